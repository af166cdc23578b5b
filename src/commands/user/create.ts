// xmgr user create JID: a new account (admin#add-user), with a new password that never comes from argv,
// then its role set as prosodyctl shell user:create does (prosody:member unless --role), through
// xmgr's mod_admin_roles; without that module the account keeps the server's default role.
import { XmgrError, exitKind } from "../../errors.js";
import { bare, parseBareJid } from "../../jid.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { NEW_PASSWORD_OPTIONS, newPassword, type NewPasswordOptions } from "./new-password.js";
import { ROLES_MODULE_SECTION, RolesModuleMissing, setRole } from "./roles.js";

/** Hosts found without mod_admin_roles in this process: in a shell batch, warned once, not asked again. */
const hostsWithoutRoles = new Set<string>();

export default defineCommand<{ jid: string }, NewPasswordOptions & { role?: string }>({
  section: "user",
  name: "create",
  summary: "create an account",
  details:
    "The password is typed twice without echo on a terminal, or read from --new-password-file, or made up with --random-password (printed once on stdout). It is never taken from the command line. " +
    `The account gets --role, or the role prosodyctl shell user:create gives (the host's default_provisioned_role, prosody:member unless set), through xmgr's module mod_admin_roles (${ROLES_MODULE_SECTION}); without that module, a warning says it kept the server's default (prosody:registered), and --role fails (exit 5) after creating the account. Needs a server admin (mod_admin_adhoc).`,
  args: [{ name: "jid", kind: "account", help: "the new account, e.g. carol@example.com" }],
  options: [...NEW_PASSWORD_OPTIONS, { long: "--role", value: "ROLE", help: "its primary role (default: prosody:member, as prosodyctl shell user:create)" }],
  examples: [
    "xmgr user create carol@example.com",
    "xmgr user create carol@example.com --random-password",
    "xmgr user create mod@example.com --role prosody:admin",
    "xmgr user create carol@example.com --new-password-file carol.pw",
    "pwgen -s 20 1 | xmgr user create carol@example.com --new-password-file -",
  ],
  transport: "xmpp",
  batch: "write",
  async run({ sessions, output, prompts, inShell }, { jid }, options) {
    const target = parseBareJid(jid, "account JID");
    const account = bare(target);
    const { password, generated } = await newPassword(options, prompts, account, inShell);
    const role = await sessions.use(async ({ session }) => {
      await runAdhoc(session, { to: target.domain, ...KNOWN_COMMANDS.addUser, values: { accountjid: [account], password: [password], "password-verify": [password] } });
      if (options.role === undefined && hostsWithoutRoles.has(target.domain)) return undefined;
      try {
        return await setRole(session, target.domain, account, options.role);
      } catch (error) {
        if (!(error instanceof XmgrError)) throw error;
        if (error instanceof RolesModuleMissing && options.role === undefined) {
          hostsWithoutRoles.add(target.domain);
          output.warn(`${account} has the server's default role (prosody:registered, not prosodyctl's prosody:member); so will the next accounts created on ${target.domain} here: ${error.message}`);
          return undefined;
        }
        // The account exists now: a password made up here must still reach the user.
        if (generated) {
          if (output.json) output.jsonData({ account, created: true, password });
          else output.data(password);
        }
        throw new XmgrError(exitKind(error.exitCode), `Created ${account}, but its role was not set: ${error.message}`, error.hint);
      }
    });
    if (output.json) {
      output.jsonData({ account, created: true, ...(role !== undefined && { role }), ...(generated && { password }) });
      return;
    }
    if (generated) output.data(password);
    output.ok(`Created ${account}${role !== undefined ? ` with role ${role}` : ""}${generated ? " (its password is the line above, shown only this once)" : ""}`);
  },
});
