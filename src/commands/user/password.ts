// xmgr user password JID: a new password for an account (admin#change-user-password). Prosody
// then closes every session of the account.
import { bare, parseBareJid, sameBare } from "../../jid.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { closesOwnSession, noSuchAccount, userStats } from "./admin-accounts.js";
import { ExitCode, XmgrError } from "../../errors.js";
import type { XmppSession } from "../../xmpp/session.js";
import type { Jid } from "../../jid.js";
import { NEW_PASSWORD_OPTIONS, newPassword, type NewPasswordOptions } from "./new-password.js";
import { setPasswordTruthfully } from "./password-write.js";

/** How many sessions the account has open; undefined when the server does not say (an unknown account fails). */
async function openSessions(session: XmppSession, target: Jid): Promise<number | undefined> {
  try {
    return (await userStats(session, target)).sessions.length;
  } catch (error) {
    if (error instanceof XmgrError && error.exitCode === ExitCode.notFound) throw error;
    return undefined;
  }
}

export default defineCommand<{ jid: string }, NewPasswordOptions>({
  section: "user",
  name: "password",
  aliases: ["passwd"],
  summary: "set an account's password (closes all its sessions)",
  details:
    "The password is typed twice without echo on a terminal, or read from --new-password-file, or made up with --random-password (printed once on stdout). It is never taken from the command line. The server closes every open session of the account. If the answer is lost (no answer in time, the connection cut), xmgr logs in as the account with the new password to see whether it was set, and says what it found; a --random-password that may be set is printed all the same. Needs a server admin (mod_admin_adhoc).",
  args: [{ name: "jid", kind: "account", help: "the account, e.g. alice@example.com" }],
  options: NEW_PASSWORD_OPTIONS,
  examples: ["xmgr user password alice@example.com", "xmgr user password alice@example.com --random-password", "xmgr user password alice@example.com --new-password-file alice.pw"],
  transport: "xmpp",
  kept: false,
  batch: "write",
  async run({ settings, sessions, output, prompts, inShell }, { jid }, options) {
    const target = parseBareJid(jid, "account JID");
    const account = bare(target);
    const chosen = await newPassword(options, prompts, account, inShell);
    const { password, generated } = chosen;
    // The server's answer does not say how many sessions it closed: counted just before.
    let open: number | undefined;
    const confirmed = await setPasswordTruthfully({ settings, output }, target, chosen, `the new password of ${account}`, () =>
      sessions.use(async ({ session, login }) => {
        open = await openSessions(session, target);
        const change = () => runAdhoc(session, { to: target.domain, ...KNOWN_COMMANDS.changeUserPassword, values: { accountjid: [account], password: [password] }, errorNote: noSuchAccount(account) });
        // xmgr's own account: the server closes this session too, before it answers.
        return sameBare(target, login) ? closesOwnSession(change, undefined) : change();
      }),
    );
    if (output.json) {
      output.jsonData({ jid: account, changed: true, sessionsClosed: open ?? null, ...(confirmed.by === "login" && { answerLost: true }), ...(generated && { password }) });
      return;
    }
    if (generated) output.data(password);
    const checked = confirmed.by === "login" ? `; its answer was lost (${confirmed.reason}), and xmgr logged in as ${account} with the new password to check` : "";
    const closed =
      open === undefined ? "the server closes any session it had" : open === 0 ? "it had no open session" : `the server closed its ${open === 1 ? "session" : `${open} sessions`}`;
    output.ok(`Password of ${account} changed${generated ? " (the new one is the line above, shown only this once)" : ""}; ${closed}${checked}`);
  },
});
