// What prosodyctl shell reaches on any host of the server (the list of hosts, the modules of a
// component or of the global section), through xmgr's prosody/mod_admin_hosts.lua at the login
// host: mod_admin_adhoc acts only on the host it is sent to, and components do not load it.
import { XmgrError } from "../errors.js";
import { checkCommandAnswer, execute, parseCommandAnswer, type CommandAnswer } from "../protocol/adhoc.js";
import { KNOWN_COMMANDS, type KnownCommand } from "../protocol/admin-forms.js";
import { declaredForm, fieldValues, submitForm } from "../protocol/data-form.js";
import type { XmppSession } from "../xmpp/session.js";
import { needsOperator } from "./refusal-texts.js";

export const HOSTS_MODULE_SECTION = 'README, "Every host and component: mod_admin_hosts"';

export class HostsModuleMissing extends XmgrError {
  constructor(at: string, what: string) {
    super(
      "refused",
      `${at} cannot ${what} over XMPP: xmgr's Prosody module mod_admin_hosts is not loaded there.`,
      `Install prosody/mod_admin_hosts.lua and add "admin_hosts" to the host's modules_enabled (${HOSTS_MODULE_SECTION}).`,
    );
  }
}

export interface HostsCall {
  session: XmppSession;
  /** The login host, where the module answers. */
  at: string;
  /** The login account, for the refusal's text. */
  account: string;
  /** What it does, for the messages: "list the modules of chat.example.com". */
  what: string;
}

export async function runHostsCommand(call: HostsCall, command: KnownCommand, values: Record<string, string[]> = {}, errorNote?: (text: string) => XmgrError | undefined): Promise<CommandAnswer> {
  const form = command.fields.length > 0 ? { form: submitForm(declaredForm(command.fields, command.formType), values) } : {};
  const answer = parseCommandAnswer(await call.session.request(execute(call.at, command.node, form)));
  if (answer.stanzaError?.condition === "service-unavailable" || answer.stanzaError?.condition === "item-not-found") throw new HostsModuleMissing(call.at, call.what);
  return checkCommandAnswer(answer, {
    to: call.at,
    node: command.node,
    forbidden: needsOperator(call.account, call.what),
    errorNote: (text) => errorNote?.(text) ?? (/^No such host/.test(text) ? new XmgrError("notFound", `${text}.`, "See the server's hosts with: xmgr host list") : undefined),
  });
}

/** The lines of a text-multi field of the answer. */
export function lines(answer: CommandAnswer, name: string): string[] {
  return (answer.form ? (fieldValues(answer.form, name) ?? []) : []).flatMap((value) => value.split("\n")).map((value) => value.trim()).filter(Boolean);
}

export interface ServerHost {
  jid: string;
  /** "local" for a VirtualHost, else the component's module ("muc") or "component". */
  type: string;
}

export async function serverHosts(call: HostsCall): Promise<ServerHost[]> {
  const answer = await runHostsCommand(call, KNOWN_COMMANDS.hostsList);
  return lines(answer, "hosts").map((line) => {
    const [jid, type = ""] = line.split(/\s+/, 2);
    return { jid, type };
  });
}
