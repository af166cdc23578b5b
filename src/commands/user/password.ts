// xmgr user password JID: a new password for an account (admin#change-user-password). Prosody
// then closes every session of the account.
import { bare, parseBareJid, sameBare } from "../../jid.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { closesOwnSession, noSuchAccount } from "./admin-accounts.js";
import { NEW_PASSWORD_OPTIONS, newPassword, type NewPasswordOptions } from "./new-password.js";

export default defineCommand<{ jid: string }, NewPasswordOptions>({
  section: "user",
  name: "password",
  aliases: ["passwd"],
  summary: "set an account's password (closes all its sessions)",
  details:
    "The password is typed twice without echo on a terminal, or read from --new-password-file, or made up with --random-password (printed once on stdout). It is never taken from the command line. The server closes every open session of the account. Needs a server admin (mod_admin_adhoc).",
  args: [{ name: "jid", kind: "account", help: "the account, e.g. alice@example.com" }],
  options: NEW_PASSWORD_OPTIONS,
  examples: ["xmgr user password alice@example.com", "xmgr user password alice@example.com --random-password", "xmgr user password alice@example.com --new-password-file alice.pw"],
  transport: "xmpp",
  kept: false,
  batch: "write",
  async run({ sessions, output, prompts, inShell }, { jid }, options) {
    const target = parseBareJid(jid, "account JID");
    const account = bare(target);
    const { password, generated } = await newPassword(options, prompts, account, inShell);
    await sessions.use(({ session, login }) => {
      const change = () => runAdhoc(session, { to: target.domain, ...KNOWN_COMMANDS.changeUserPassword, values: { accountjid: [account], password: [password] }, errorNote: noSuchAccount(account) });
      // xmgr's own account: the server closes this session too, before it answers.
      return sameBare(target, login) ? closesOwnSession(change, undefined) : change();
    });
    if (output.json) {
      output.jsonData({ account, changed: true, sessionsClosed: true, ...(generated && { password }) });
      return;
    }
    if (generated) output.data(password);
    output.ok(`Password of ${account} changed${generated ? " (the new one is the line above, shown only this once)" : ""}; the server closed all its sessions`);
  },
});
