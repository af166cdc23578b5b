// xmgr adhoc run [--to JID] NODE [VAR=VALUE …]: runs any ad-hoc command. Values fill the form's
// fields by name. For a command whose form xmgr knows on this server (the dialect's, or
// src/protocol/admin-forms.ts) and whose required fields are all given, the filled form goes with
// the execute: one round trip (ejabberd's list nodes: an execute with no form, the only one they take). Otherwise
// the form is fetched first; on a terminal, missing required fields are asked for. A password
// field (text-private) never comes from the command line: --field-file, or a hidden prompt.
// Commands known to be destructive (destructive-nodes.ts) are confirmed as the dedicated commands
// are (confirm.ts); on a terminal, a command xmgr does not know shows its filled form and asks.
import { XmgrError, usageError } from "../../errors.js";
import { parseAddress } from "../../jid.js";
import { execute, checkCommandAnswer, complete, parseCommandAnswer, type CommandAnswer } from "../../protocol/adhoc.js";
import { submitForm, type DataForm, type FormField } from "../../protocol/data-form.js";
import { knownCommand } from "../../protocol/admin-forms.js";
import { knownIn, rejectedInput } from "../../protocol/dialects/dialect.js";
import type { StanzaErrorInfo } from "../../protocol/stanza-error.js";
import { ALL_DIALECTS } from "../../protocol/dialects/detect.js";
import { readPrivateFile } from "../../config/private-file.js";
import { registerSecret } from "../../output/secrets.js";
import type { Output } from "../../output/output.js";
import { renderTable } from "../../output/table.js";
import type { XmppSession } from "../../xmpp/session.js";
import { cancelQuietly, runAdhoc } from "../adhoc-call.js";
import { defineCommand, YES_OPTION, type Confirmation, type Prompts } from "../define.js";
import { confirmOrRefuse } from "../confirm.js";
import { sanitize } from "../../output/sanitize.js";
import { NO_COLOR_ANYWHERE } from "../../output/paint.js";
import { DESTRUCTIVE_NODES, destructiveNode } from "./destructive-nodes.js";

type Values = Record<string, string[]>;

interface RunOptions {
  to?: string;
  fieldFile?: string[];
  yes?: boolean;
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

/** The server's text, escaped like a table cell; its line breaks kept as lines. */
const serverLines = (text: string) => text.split(/\r?\n/).map(sanitize).join("\n");

async function askFor(field: FormField, prompts: Prompts): Promise<string[]> {
  // Label, description and options are the server's words: a hostile one must not draw a fake prompt.
  const name = field.label ? `${sanitize(field.label)} (${sanitize(field.var!)})` : sanitize(field.var!);
  const about = field.desc?.trim() ? `${serverLines(field.desc.trim())}\n` : "";
  if (field.type === "text-private") return [await prompts.secret(`${about}${name}: `)];
  const option = ({ value, label }: FormField["options"][number]) => (label && label !== value ? `${sanitize(value)} (${sanitize(label)})` : sanitize(value));
  const options = field.options.length ? ` [${field.options.map(option).join(", ")}]` : "";
  const multi = MULTI_VALUED.has(field.type) ? ", several separated by commas" : "";
  const answer = await prompts.line(`${about}${name}${options}${multi}: `);
  return MULTI_VALUED.has(field.type) ? answer.split(",").map((value) => value.trim()).filter(Boolean) : [answer];
}

/** What the filled form will carry, field by field, as submitForm sends it (given values, else the form's). */
function filledValues(form: DataForm, values: Values): Values {
  const filled: Values = {};
  for (const field of form.fields) {
    if (field.var === undefined || field.type === "fixed") continue;
    const given = Object.hasOwn(values, field.var) ? values[field.var] : undefined;
    filled[field.var] = given && field.type === "text-multi" ? given.flatMap((value) => value.split(/\r?\n/)) : (given ?? field.values);
  }
  return filled;
}

/** The filled form as the person is asked to submit it: its title and visible fields, passwords hidden. */
function filledFormText(form: DataForm, filled: Values): string {
  const shown = form.fields.filter((field) => field.var !== undefined && field.type !== "hidden" && field.type !== "fixed");
  const rows = shown.flatMap((field) => {
    const values = filled[field.var!] ?? [];
    const visible = field.type === "text-private" ? (values.some((value) => value !== "") ? ["(hidden)"] : [""]) : values.length ? values : [""];
    return visible.map((value, index) => ({ field: index === 0 ? (field.label ? `${field.label} (${field.var})` : field.var!) : "", value }));
  });
  const title = form.title?.trim() ? `${serverLines(form.title.trim())}\n` : "";
  const table = rows.length ? renderTable([{ title: "Field", cell: (row) => row.field }, { title: "Value", cell: (row) => row.value }], rows, NO_COLOR_ANYWHERE.err) : "(no fields)";
  return `${title}${table}`;
}

/** Asked before the filled form is submitted; throws (exit 2) when not confirmed. */
type ConfirmSubmit = (form: DataForm, filled: Values) => Promise<void>;

/** The form fetched first: checked, completed from the values and the person at the terminal. */
/** What an IQ error to the submitted form means on this server, when it means something of its own (rejectedInput). */
type SubmitError = (error: StanzaErrorInfo) => Promise<XmgrError | undefined>;

async function runWithForm(session: XmppSession, to: string, node: string, fromArgv: Values, values: Values, prompts: Prompts, inShell: boolean, confirmSubmit: ConfirmSubmit, submitError: SubmitError): Promise<CommandAnswer> {
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
    await confirmSubmit(form, filledValues(form, values));
    const answer = parseCommandAnswer(await session.request(complete(to, node, sessionid ?? "", submitted)));
    const rejected = answer.stanzaError && (await submitError(answer.stanzaError));
    if (rejected) throw rejected;
    return checkCommandAnswer(answer, context);
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
    output.table([{ title: "Field", cell: (row) => row.field }, { title: "Value", cell: (row) => row.value }], rows);
  }
  if (items.length > 0) {
    const columns = (answer.form?.reported.length ? answer.form.reported : items[0]).filter((field) => field.var !== undefined);
    const cell = (item: FormField[], name: string) => item.find((field) => field.var === name)?.values.join(", ") ?? "";
    output.table(columns.map((column) => ({ title: column.label ?? column.var!, cell: (item: FormField[]) => cell(item, column.var!) })), items);
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
    "Missing required fields are asked for on a terminal; without one they are an error that names them. Password fields come from --field-file or a hidden prompt, never from the command line. " +
    `Commands that delete, lock out, disconnect or stop are confirmed as their dedicated commands are (on a terminal xmgr asks, and for deletions the account or room must be typed; elsewhere it refuses unless --yes is given): ${DESTRUCTIVE_NODES.map((node) => (node.startsWith("running nodes/") ? `ejabberd's ${node}` : node.replace(/^.*\//, ""))).join(", ")}. ` +
    "On a terminal, a command xmgr does not know shows its filled form and asks before submitting it (--yes does not ask); one that takes no form acts as soon as it is started.",
  args: [
    { name: "node", kind: "node", help: "the command's node, as adhoc list shows it" },
    { name: "fields", kind: "field", optional: true, variadic: true, help: "VAR=VALUE for the form's fields (VAR=a VAR=b for several values)" },
  ],
  options: [
    { long: "--to", value: "JID", help: "where the command is (default: your server; MUC commands are at the MUC component)" },
    { long: "--field-file", value: "VAR=FILE", file: true, repeatable: true, help: "fill VAR with the first line of FILE (mode 600): for password fields" },
    YES_OPTION,
  ],
  examples: [
    "xmgr adhoc run http://jabber.org/protocol/admin#user-stats accountjid=alice@example.com",
    "xmgr adhoc run http://jabber.org/protocol/admin#add-user accountjid=carol@example.com --field-file password=pw --field-file password-verify=pw",
    "xmgr adhoc run --to chat.example.com http://prosody.im/protocol/muc#destroy rooms=old@chat.example.com --yes",
    "xmgr adhoc run http://jabber.org/protocol/admin#announce     # asks for the fields on a terminal",
  ],
  transport: "xmpp",
  kept: false,
  batch: "alone",
  async run({ sessions, output, prompts, inShell, commandLine }, { node, fields }, options) {
    if (node === "" || /\p{Cc}/u.test(node)) throw usageError(`Invalid node ${JSON.stringify(node)}.`, "List the nodes with: xmgr adhoc list");
    const target = options.to === undefined ? undefined : parseAddress(options.to, "--to JID");
    const fromArgv = fieldValues(fields ?? []);
    const values: Values = { ...fromArgv };
    for (const [name, list] of Object.entries(fileValues(options.fieldFile ?? []))) values[name] = [...(values[name] ?? []), ...list];
    const known = knownCommand(node);
    if (known) refuseSecretsFromArgv(known.fields.filter((field) => field.type === "text-private").map((field) => field.var), fromArgv);
    const singleStage = known !== undefined && !known.twoStage && known.fields.every((field) => !field.required || (values[field.var] ?? []).some((value) => value !== ""));
    const yes = Boolean(options.yes);
    const confirm = (confirmation: Confirmation) => confirmOrRefuse(confirmation, yes, prompts, commandLine);
    const destructive = destructiveNode(node);
    // Without a terminal a destructive command is refused here, before anything is sent; with
    // every value given, it is asked about here too, before the login, as the dedicated commands do.
    const confirmedBeforeLogin = destructive !== undefined && (yes || singleStage || !prompts.canAsk);
    if (destructive && confirmedBeforeLogin) await confirm(destructive(values, target));
    const [to, answer] = await sessions.use(async (loggedIn) => {
      const { session, login } = loggedIn;
      const to = target ?? login.domain;
      // The form as this server declares it (ejabberd's list nodes take none): asked only for a node some server's form is known for.
      const dialectHere = ALL_DIALECTS.some((dialect) => knownIn(dialect, node)) ? await loggedIn.dialect() : undefined;
      const knownHere = dialectHere && knownIn(dialectHere, node);
      const singleStageHere = knownHere !== undefined && !knownHere.twoStage && knownHere.fields.every((field) => !field.required || (values[field.var] ?? []).some((value) => value !== ""));
      const confirmSubmit: ConfirmSubmit = async (form, filled) => {
        if (destructive) {
          if (!confirmedBeforeLogin) await confirm(destructive(filled, to));
        } else if (!known && prompts.canAsk && !yes) {
          await confirm({ action: `${filledFormText(form, filled)}\nSubmit this form to ${sanitize(node)} at ${to} (a command xmgr does not know)` });
        }
      };
      if (singleStageHere && destructive && !confirmedBeforeLogin) await confirm(destructive(values, to));
      const submitError: SubmitError = async (error) => rejectedInput(await loggedIn.dialect(), error, to, node);
      const answer = singleStageHere
        ? await runAdhoc(session, { to, ...knownHere, values, stanzaError: (error) => rejectedInput(dialectHere!, error, to, node) })
        : await runWithForm(session, to, node, fromArgv, values, prompts, inShell, confirmSubmit, submitError);
      return [to, answer] as const;
    });
    if (answer.status === "canceled") throw new XmgrError("failure", `${to} canceled ${node} without saying why.`);
    render(output, to, answer);
  },
});
