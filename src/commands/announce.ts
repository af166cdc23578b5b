// xmgr announce [--subject TEXT] MESSAGE: a headline message to every online user of a host
// (admin#announce, mod_announce). Prosody's mod_announce ignores a form sent with the first request,
// so there it takes two round trips: the form, then the filled form. ejabberd takes the filled form
// (field body, not announcement) at once and says no count.
import { XmgrError, usageError } from "../errors.js";
import { dialectFor } from "./server-dialect.js";
import { announcedTo } from "../protocol/announce.js";
import { NOT_IN_XML } from "../protocol/xml-chars.js";
import { infoText, runAdhoc } from "./adhoc-call.js";
import { defineCommand } from "./define.js";
import { hostOrLogin } from "./host-or-login.js";
import { needsAdmin } from "./refusal-texts.js";
import { userStats } from "./user/admin-accounts.js";
import type { Jid } from "../jid.js";
import type { XmppSession } from "../xmpp/session.js";

interface AnnounceOptions {
  subject?: string;
  host?: string;
}

/** The login account's open sessions (xmgr's included); undefined when the server does not say. */
async function ownSessionCount(session: XmppSession, login: Jid): Promise<number | undefined> {
  try {
    return (await userStats(session, login)).sessions.length;
  } catch {
    return undefined;
  }
}

function checkedText(text: string, what: string, max: number): string {
  if (NOT_IN_XML.test(text) || text.length > max) throw usageError(`Invalid ${what}: it must be under ${max} characters XML can carry.`);
  return text;
}

export default defineCommand<{ message: string[] }, AnnounceOptions>({
  name: "announce",
  summary: "send a message to every online user of a host",
  details:
    "The words of MESSAGE are joined with spaces; quote it to keep line breaks. Users who are online with presence get it as a headline from the host. Prosody says how many users it went to; ejabberd does not. Needs a server admin and mod_announce.",
  args: [{ name: "message", kind: "text", variadic: true, help: "the message" }],
  options: [
    { long: "--subject", value: "TEXT", help: "the message's subject" },
    { long: "--host", value: "HOST", help: "the host whose users get it (default: your account's host)" },
  ],
  examples: ['xmgr announce --subject Maintenance "The server restarts at 22:00 UTC."', "xmgr announce Back to normal, thanks for your patience"],
  transport: "xmpp",
  batch: "write",
  async run({ sessions, output }, { message }, options) {
    const text = checkedText(message.join(" "), "message", 10_000);
    if (text.trim() === "") throw usageError("The message is empty.", 'Example: xmgr announce "The server restarts at 22:00 UTC."');
    const subject = options.subject === undefined ? undefined : checkedText(options.subject, "subject", 1000);
    const hostFor = hostOrLogin(options.host, "--host");
    const [host, said, onlyXmgr] = await sessions.use(async (loggedIn) => {
      const { session, login, account } = loggedIn;
      const dialect = await dialectFor(loggedIn, "announce");
      const to = hostFor(login);
      // The server counts the login account too; when xmgr's is its only session, nobody got it there.
      const onlyXmgr = to === login.domain && (await ownSessionCount(session, login)) === 1;
      const answer = await runAdhoc(session, {
        to,
        ...dialect.commands.announce,
        // Prosody's field is announcement, ejabberd's body.
        values: { [dialect.announceField]: [text], ...(subject && { subject: [subject] }) },
        forbidden: needsAdmin(account, "make announcements"),
      });
      return [to, infoText(answer), onlyXmgr] as const;
    });
    const serverCount = announcedTo(said);
    if (serverCount === undefined && said === "") {
      // ejabberd: a bare `completed`, with no count to report.
      if (output.json) output.jsonData({ host, sentTo: null, serverCount: null, ...(subject && { subject }) });
      else output.ok(`Announcement sent to the online users of ${host} (the server does not say how many)`);
      return;
    }
    if (serverCount === undefined) throw new XmgrError("failure", `${host} did not say whom it sent the announcement to${said ? `: ${said}` : ""}.`);
    const sentTo = onlyXmgr ? Math.max(0, serverCount - 1) : serverCount;
    if (output.json) {
      output.jsonData({ host, sentTo, serverCount, ...(subject && { subject }) });
      return;
    }
    // Only clients that sent presence get it: the server counts users with any session.
    output.ok(`Announcement sent to ${sentTo} online user${sentTo === 1 ? "" : "s"} of ${host}${onlyXmgr ? " (not counting xmgr's own session)" : ""}`);
  },
});
