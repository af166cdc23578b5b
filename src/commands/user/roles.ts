// An account's primary role, read and set through xmgr's prosody/mod_admin_roles.lua (stock
// Prosody 13 has no remote way: prosodyctl shell's user:role / user:set_role work only locally).
import { XmgrError } from "../../errors.js";
import { checkCommandAnswer, execute, parseCommandAnswer } from "../../protocol/adhoc.js";
import { KNOWN_COMMANDS, type KnownCommand } from "../../protocol/admin-forms.js";
import { declaredForm, fieldValues, submitForm } from "../../protocol/data-form.js";
import type { XmppSession } from "../../xmpp/session.js";

export const ROLES_MODULE_SECTION = 'README, "Roles: mod_admin_roles"';

export interface AccountRole {
  jid: string;
  role: string;
  secondaryRoles: string[];
  /** The role the host gives new accounts (default_provisioned_role; prosody:member unless set). */
  defaultRole?: string;
}

/** The module is not loaded on the host: the error a caller throws, or turns into a warning. */
export class RolesModuleMissing extends XmgrError {
  constructor(host: string) {
    super(
      "refused",
      `${host} does not show or set roles over XMPP: xmgr's Prosody module mod_admin_roles is not loaded there.`,
      `Install prosody/mod_admin_roles.lua and add "admin_roles" to the host's modules_enabled (${ROLES_MODULE_SECTION}).`,
    );
  }
}

async function runRoles(session: XmppSession, host: string, command: KnownCommand, values: Record<string, string[]>) {
  const form = submitForm(declaredForm(command.fields, command.formType), values);
  const answer = parseCommandAnswer(await session.request(execute(host, command.node, { form })));
  if (answer.stanzaError?.condition === "service-unavailable" || answer.stanzaError?.condition === "item-not-found") throw new RolesModuleMissing(host);
  const checked = checkCommandAnswer(answer, {
    to: host,
    node: command.node,
    errorNote: (text) =>
      /^User does not exist/.test(text)
        ? new XmgrError("notFound", `There is no account ${values.accountjid[0]}. The server says: ${text}`)
        : /^Unknown role/.test(text)
          ? new XmgrError("usage", text, "Roles are named as in Prosody: prosody:guest, prosody:registered, prosody:member, prosody:admin, prosody:operator.")
          : /^Forbidden/.test(text)
            ? new XmgrError("refused", text.replace(/^Forbidden: /, ""))
            : undefined,
  });
  const field = (name: string) => (checked.form ? (fieldValues(checked.form, name) ?? []) : []).flatMap((value) => value.split("\n")).map((value) => value.trim()).filter(Boolean);
  return field;
}

export async function getRole(session: XmppSession, host: string, account: string): Promise<AccountRole> {
  const field = await runRoles(session, host, KNOWN_COMMANDS.getUserRole, { accountjid: [account] });
  const defaultRole = field("defaultrole")[0];
  return { jid: field("accountjid")[0] ?? account, role: field("role")[0] ?? "", secondaryRoles: field("secondaryroles"), ...(defaultRole && { defaultRole }) };
}

/** Sets the primary role (undefined: the host's role for new accounts); returns the role in effect. */
export async function setRole(session: XmppSession, host: string, account: string, role?: string): Promise<string> {
  const field = await runRoles(session, host, KNOWN_COMMANDS.setUserRole, { accountjid: [account], role: [role ?? ""] });
  return field("role")[0] ?? role ?? "";
}
