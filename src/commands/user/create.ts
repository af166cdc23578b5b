// xmgr user create JID: a new account (admin#add-user), with a new password that never comes from argv,
// then its role set as prosodyctl shell user:create does (prosody:member unless --role), through
// xmgr's mod_admin_roles; without that module the account keeps the server's default role.
import { XmgrError, exitKind } from "../../errors.js";
import { foldPart, parseBareJid } from "../../jid.js";
import type { Dialect } from "../../protocol/dialects/dialect.js";
import { dialectFor } from "../server-dialect.js";
import { accountExists } from "./admin-accounts.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { NEW_PASSWORD_OPTIONS, newPassword, type NewPasswordOptions } from "./new-password.js";
import { setPasswordTruthfully } from "./password-write.js";
import { ROLES_MODULE_SECTION, RolesModuleMissing, setRole } from "./roles.js";

/** Hosts found without mod_admin_roles in this process: in a shell batch, warned once, not asked again. */
const hostsWithoutRoles = new Set<string>();

export default defineCommand<{ jid: string }, NewPasswordOptions & { role?: string }>({
  section: "user",
  name: "create",
  summary: "create an account",
  details:
    "The password is typed twice without echo on a terminal, or read from --new-password-file, or made up with --random-password (printed once on stdout). It is never taken from the command line. If the answer is lost (no answer in time, the connection cut), xmgr logs in as the new account with the new password to see whether it was created, and says what it found; a --random-password that may be set is printed all the same. " +
    `The account gets --role, or the role prosodyctl shell user:create gives (the host's default_provisioned_role, prosody:member unless set), through xmgr's module mod_admin_roles (${ROLES_MODULE_SECTION}); without that module, a warning says it kept the server's default (prosody:registered), and --role fails (exit 5) after creating the account. On ejabberd, which sets no roles over XMPP, --role is refused before anything is created. Needs a server admin (Prosody: mod_admin_adhoc; ejabberd: mod_configure).`,
  args: [{ name: "jid", kind: "account", help: "the new account, e.g. carol@example.com (carol alone: at your account's domain)" }],
  options: [...NEW_PASSWORD_OPTIONS, { long: "--role", value: "ROLE", help: "its primary role (default: prosody:member, as prosodyctl shell user:create)" }],
  examples: [
    "xmgr user create carol@example.com",
    "xmgr user create carol@example.com --random-password",
    "xmgr user create mod@example.com --role prosody:admin",
    "xmgr user create carol --random-password",
    "xmgr user create carol@example.com --new-password-file carol.pw",
    "pwgen -s 20 1 | xmgr user create carol@example.com --new-password-file -",
  ],
  transport: "xmpp",
  kept: false,
  batch: "write",
  async run({ settings, sessions, output, prompts, inShell }, { jid }, options) {
    const target = parseBareJid(jid, "account JID");
    // Printed as the server stores it (Straße@… is strasse@…), not as typed.
    const account = `${foldPart(target.local)}@${target.domain}`;
    const chosen = await newPassword(options, prompts, account, inShell);
    const { password, generated } = chosen;
    const exists = () => new XmgrError("failure", `The account ${account} already exists; nothing was changed.`, `To set its password instead: xmgr user password ${account}`);
    let dialect: Dialect | undefined;
    const confirmed = await setPasswordTruthfully({ settings, output }, target, chosen, `creating ${account}`, () =>
      sessions.use(async (login) => {
        const { session } = login;
        dialect = await dialectFor(login, "user create");
        if (options.role !== undefined && dialect.roles === undefined) {
          throw new XmgrError("refused", `${dialect.software ?? "This server"} sets no roles over XMPP, so --role cannot be given; nothing was created.`, dialect.rolesInstead && `Roles come from ${dialect.rolesInstead}.`);
        }
        // ejabberd writes the password of a failed add-user to its log: an existing account is found before.
        if (dialect.logsFailedPasswords && (await accountExists(session, dialect, target))) throw exists();
        return runAdhoc(session, {
          to: target.domain,
          ...dialect.commands.addUser,
          values: { accountjid: [account], password: [password], "password-verify": [password] },
          // Prosody's note does not say which account: with several creations in a batch, that matters.
          errorNote: (text) => (text === "Account already exists" ? exists() : undefined),
          // ejabberd: an IQ error conflict.
          stanzaError: (error) => (error.condition === "conflict" ? exists() : undefined),
        });
      }),
    );
    const role = await sessions.use(async ({ session }) => {
      if (dialect?.roles === undefined) return undefined;
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
          if (output.json) output.jsonData({ jid: account, created: true, password });
          else output.data(password);
        }
        throw new XmgrError(exitKind(error.exitCode), `Created ${account}, but its role was not set: ${error.message}`, error.hint);
      }
    });
    if (output.json) {
      output.jsonData({ jid: account, created: true, ...(role !== undefined && { role }), ...(confirmed.by === "login" && { answerLost: true }), ...(generated && { password }) });
      return;
    }
    if (generated) output.data(password);
    const checked = confirmed.by === "login" ? `; its answer was lost (${confirmed.reason}), and xmgr logged in as it with the new password to check` : "";
    output.ok(`Created ${account}${role !== undefined ? ` with role ${role}` : ""}${generated ? " (its password is the line above, shown only this once)" : ""}${checked}`);
  },
});
