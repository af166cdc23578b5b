// xmgr adhoc run [--to JID] NODE [VAR=VALUE …]: runs any ad-hoc command. Values fill the form's
// fields by name. For a command whose form xmgr knows (src/protocol/admin-forms.ts) and whose
// required fields are all given, the filled form goes with the execute: one round trip. Otherwise
// the form is fetched first; on a terminal, missing required fields are asked for. A password
// field (text-private) never comes from the command line: --field-file, or a hidden prompt.
import { XmgrError, usageError } from "../../errors.js";
import { parseAddress } from "../../jid.js";
import { execute, checkCommandAnswer, complete, parseCommandAnswer, type CommandAnswer } from "../../protocol/adhoc.js";
import { submitForm, type DataForm, type FormField } from "../../protocol/data-form.js";
import { knownCommand } from "../../protocol/admin-forms.js";
import { readPrivateFile } from "../../config/private-file.js";
import { registerSecret } from "../../output/secrets.js";
import type { Output } from "../../output/output.js";
import { renderTable } from "../../output/table.js";
import type { XmppSession } from "../../xmpp/session.js";
import { cancelQuietly, runAdhoc } from "../adhoc-call.js";
import { defineCommand, type Prompts } from "../define.js";

type Values = Record<string, string[]>;

interface RunOptions {
  to?: string;
  fieldFile?: string[];
}

const MULTI_VALUED = new Set(["jid-multi", "list-multi", "text-multi"]);

/** VAR=VALUE words; VAR=a VAR=b gives a field two values. */
export function fieldValues(words: readonly string[]): Values {
  const values: Values = {};
  for (const word of words) {
    const equals = word.indexOf("=");
    if (equals <= 0) throw usageError(`Invalid field value ${JSON.stringify(word)}: write VAR=VALUE.`, "Example: xmgr adhoc run http://jabber.org/protocol/admin#user-stats accountjid=alice@example.com");
    (values[word.slice(0, equals)] ??= []).push(word.slice(equals + 1));
  }
  return values;
}

/** --field-file VAR=FILE: the first line of a private file, treated as a secret. */
function fileValues(specs: readonly string[]): Values {
  const values: Values = {};
  for (const spec of specs) {
    const equals = spec.indexOf("=");
    if (equals <= 0 || equals === spec.length - 1) throw usageError(`Invalid --field-file ${JSON.stringify(spec)}: write VAR=FILE.`);
    const value = readPrivateFile(spec.slice(equals + 1), "field file").split(/\r?\n/)[0];
    registerSecret(value);
    (values[spec.slice(0, equals)] ??= []).push(value);
  }
  return values;
}

function refuseSecretsFromArgv(privateFields: readonly string[], fromArgv: Values): void {
  const named = privateFields.filter((name) => Object.hasOwn(fromArgv, name));
  if (named.length > 0) {
    throw usageError(
      `${named.join(", ")} ${named.length === 1 ? "is a password field" : "are password fields"}: xmgr takes no secret from the command line.`,
      `Give it with --field-file ${named[0]}=FILE (mode 600), or leave it out to be asked on a terminal.`,
    );
  }
}

const isMissing = (field: FormField, values: Values) =>
  field.required && field.var !== undefined && !(values[field.var] ?? field.values).some((value) => value !== "");

async function askFor(field: FormField, prompts: Prompts): Promise<string[]> {
  const name = field.label ? `${field.label} (${field.var})` : field.var!;
  if (field.type === "text-private") return [await prompts.secret(`${name}: `)];
  const options = field.options.length ? ` [${field.options.map((option) => option.value).join(", ")}]` : "";
  const multi = MULTI_VALUED.has(field.type) ? ", several separated by commas" : "";
  const answer = await prompts.line(`${name}${options}${multi}: `);
  return MULTI_VALUED.has(field.type) ? answer.split(",").map((value) => value.trim()).filter(Boolean) : [answer];
}

/** The form fetched first: checked, completed from the values and the person at the terminal. */
async function runWithForm(session: XmppSession, to: string, node: string, fromArgv: Values, values: Values, prompts: Prompts, inShell: boolean): Promise<CommandAnswer> {
  const context = { to, node };
  const first = checkCommandAnswer(parseCommandAnswer(await session.request(execute(to, node))), context);
  if (first.status !== "executing") return first;
  const sessionid = first.sessionid;
  const form: DataForm = first.form ?? { type: "form", instructions: [], fields: [], reported: [], items: [], payloads: [] };
  // Ctrl-C while the command's session is open: cancel it on the server before leaving. Not in
  // xmgr shell, whose own Ctrl-C abandons the command and must not end the shell.
  const onInterrupt = () => void cancelQuietly(session, to, node, sessionid).finally(() => process.exit(130));
  if (!inShell) process.once("SIGINT", onInterrupt);
  try {
    refuseSecretsFromArgv(form.fields.filter((field) => field.type === "text-private").map((field) => field.var!), fromArgv);
    const missing = form.fields.filter((field) => isMissing(field, values));
    if (missing.length > 0 && !prompts.canAsk) {
      throw usageError(
        `Missing required field${missing.length === 1 ? "" : "s"}: ${missing.map((field) => field.var).join(", ")}.`,
        `Give ${missing.map((field) => `${field.var}=VALUE`).join(" ")} (password fields with --field-file VAR=FILE).`,
      );
    }
    for (const field of missing) values[field.var!] = await askFor(field, prompts);
    const submitted = submitForm(form, values);
    return checkCommandAnswer(parseCommandAnswer(await session.request(complete(to, node, sessionid ?? "", submitted))), context);
  } catch (error) {
    await cancelQuietly(session, to, node, sessionid);
    throw error;
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}

function render(output: Output, to: string, answer: CommandAnswer): void {
  const fields = (answer.form?.fields ?? []).filter((field) => field.type !== "hidden" && field.var !== undefined);
  const items = answer.form?.items ?? [];
  if (output.json) {
    output.jsonData({
      jid: to,
      node: answer.node,
      status: answer.status,
      notes: answer.notes,
      fields: fields.map((field) => ({ var: field.var, ...(field.label && { label: field.label }), type: field.type, values: field.values })),
      ...(items.length > 0 && { items: items.map((item) => Object.fromEntries(item.filter((field) => field.var).map((field) => [field.var, field.values]))) }),
    });
    return;
  }
  if (fields.length > 0) {
    const rows = fields.flatMap((field) => (field.values.length ? field.values : [""]).map((value, index) => ({ field: index === 0 ? (field.label ?? field.var!) : "", value })));
    output.data(renderTable([{ title: "Field", cell: (row) => row.field }, { title: "Value", cell: (row) => row.value }], rows, output.paint));
  }
  if (items.length > 0) {
    const columns = (answer.form?.reported.length ? answer.form.reported : items[0]).filter((field) => field.var !== undefined);
    const cell = (item: FormField[], name: string) => item.find((field) => field.var === name)?.values.join(", ") ?? "";
    output.data(renderTable(columns.map((column) => ({ title: column.label ?? column.var!, cell: (item: FormField[]) => cell(item, column.var!) })), items, output.paint));
  }
  for (const note of answer.notes) {
    if (note.type === "warn") output.warn(note.text.trim());
    else if (note.text.trim()) output.ok(note.text.trim());
  }
  if (answer.notes.length === 0) output.ok("Done");
}

export default defineCommand<{ node: string; fields: string[] }, RunOptions>({
  section: "adhoc",
  name: "run",
  summary: "run any ad-hoc command, filling its form with VAR=VALUE",
  details:
    "Missing required fields are asked for on a terminal; without one they are an error that names them. Password fields come from --field-file or a hidden prompt, never from the command line.",
  args: [
    { name: "node", kind: "node", help: "the command's node, as adhoc list shows it" },
    { name: "fields", kind: "field", optional: true, variadic: true, help: "VAR=VALUE for the form's fields (VAR=a VAR=b for several values)" },
  ],
  options: [
    { long: "--to", value: "JID", help: "where the command is (default: your server; MUC commands are at the MUC component)" },
    { long: "--field-file", value: "VAR=FILE", file: true, repeatable: true, help: "fill VAR with the first line of FILE (mode 600): for password fields" },
  ],
  examples: [
    "xmgr adhoc run http://jabber.org/protocol/admin#user-stats accountjid=alice@example.com",
    "xmgr adhoc run http://jabber.org/protocol/admin#add-user accountjid=carol@example.com --field-file password=pw --field-file password-verify=pw",
    "xmgr adhoc run --to chat.example.com http://prosody.im/protocol/muc#destroy rooms=old@chat.example.com",
    "xmgr adhoc run http://jabber.org/protocol/admin#announce     # asks for the fields on a terminal",
  ],
  transport: "xmpp",
  kept: false,
  batch: "alone",
  async run({ sessions, output, prompts, inShell }, { node, fields }, options) {
    if (node === "" || /\p{Cc}/u.test(node)) throw usageError(`Invalid node ${JSON.stringify(node)}.`, "List the nodes with: xmgr adhoc list");
    const target = options.to === undefined ? undefined : parseAddress(options.to, "--to JID");
    const fromArgv = fieldValues(fields ?? []);
    const values: Values = { ...fromArgv };
    for (const [name, list] of Object.entries(fileValues(options.fieldFile ?? []))) values[name] = [...(values[name] ?? []), ...list];
    const known = knownCommand(node);
    if (known) refuseSecretsFromArgv(known.fields.filter((field) => field.type === "text-private").map((field) => field.var), fromArgv);
    const singleStage = known !== undefined && !known.twoStage && known.fields.every((field) => !field.required || (values[field.var] ?? []).some((value) => value !== ""));
    const [to, answer] = await sessions.use(async ({ session, login }) => {
      const to = target ?? login.domain;
      const answer = singleStage ? await runAdhoc(session, { to, ...known, values }) : await runWithForm(session, to, node, fromArgv, values, prompts, inShell);
      return [to, answer] as const;
    });
    if (answer.status === "canceled") throw new XmgrError("failure", `${to} canceled ${node} without saying why.`);
    render(output, to, answer);
  },
});
