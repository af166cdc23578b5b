// xmgr user password JID: a new password for an account (admin#change-user-password). Prosody
// then closes every session of the account; ejabberd keeps them (and their FAST tokens), and
// writes a submitted password to its log when the change fails: there the account is checked first.
import { bare, parseBareJid, sameBare } from "../../jid.js";
import type { Dialect } from "../../protocol/dialects/dialect.js";
import { dialectFor } from "../server-dialect.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { accountExists, closesOwnSession, noSuchAccount, userStats } from "./admin-accounts.js";
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
  summary: "set an account's password (Prosody closes all its sessions)",
  details:
    "The password is typed twice without echo on a terminal, or read from --new-password-file, or made up with --random-password (printed once on stdout). It is never taken from the command line. Prosody closes every open session of the account; ejabberd keeps them open (end them with xmgr c2s close), and an unknown account is refused before any password is sent, since ejabberd writes the password of a failed change to its log. If the answer is lost (no answer in time, the connection cut), xmgr logs in as the account with the new password to see whether it was set, and says what it found; a --random-password that may be set is printed all the same. Needs a server admin (Prosody: mod_admin_adhoc; ejabberd: mod_configure).",
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
    let dialect: Dialect | undefined;
    const confirmed = await setPasswordTruthfully({ settings, output }, target, chosen, `the new password of ${account}`, () =>
      sessions.use(async (loggedIn) => {
        const { session, login } = loggedIn;
        dialect = await dialectFor(loggedIn, "user password");
        // An unknown account fails here (exit 4), before the password goes anywhere.
        if (dialect.logsFailedPasswords && !(await accountExists(session, dialect, target))) {
          throw new XmgrError("notFound", `There is no account ${account}; no password was sent.`);
        }
        open = await openSessions(session, target);
        const command = dialect.commands.changeUserPassword;
        const change = () => runAdhoc(session, { to: target.domain, ...command, values: { accountjid: [account], password: [password] }, errorNote: noSuchAccount(account) });
        // xmgr's own account: the server closes this session too, before it answers.
        return sameBare(target, login) ? closesOwnSession(change, undefined) : change();
      }),
    );
    if (output.json) {
      const closes = dialect?.passwordClosesSessions;
      output.jsonData({ jid: account, changed: true, sessionsClosed: closes === true ? (open ?? null) : closes === false ? 0 : null, ...(closes === false && open !== undefined && { sessionsOpen: open }), ...(confirmed.by === "login" && { answerLost: true }), ...(generated && { password }) });
      return;
    }
    if (generated) output.data(password);
    const checked = confirmed.by === "login" ? `; its answer was lost (${confirmed.reason}), and xmgr logged in as ${account} with the new password to check` : "";
    const closed = sessionsWord(dialect?.passwordClosesSessions, open, account);
    output.ok(`Password of ${account} changed${generated ? " (the new one is the line above, shown only this once)" : ""}; ${closed}${checked}`);
  },
});

/** What became of the account's open sessions, as far as xmgr knows: `open` counted just before the change. */
function sessionsWord(closes: boolean | undefined, open: number | undefined, account: string): string {
  if (open === 0) return "it had no open session";
  if (closes === true) return open === undefined ? "the server closes any session it had" : `the server closed its ${open === 1 ? "session" : `${open} sessions`}`;
  const sessions = open === undefined ? "its open sessions" : open === 1 ? "its open session" : `its ${open} open sessions`;
  if (closes === false) return open === 1 ? `${sessions} stays connected (xmgr c2s close ${account} ends it)` : `${sessions} stay connected (xmgr c2s close ${account} ends them)`;
  return `the server may keep ${sessions} (xmgr c2s show ${account} tells)`;
}
