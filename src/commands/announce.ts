// xmgr announce [--subject TEXT] MESSAGE: a headline message to every online user of a host
// (admin#announce, mod_announce). mod_announce ignores a form sent with the first request, so
// this one always takes two round trips: the form, then the filled form.
import { XmgrError, usageError } from "../errors.js";
import { KNOWN_COMMANDS } from "../protocol/admin-forms.js";
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
    "The words of MESSAGE are joined with spaces; quote it to keep line breaks. Users who are online with presence get it as a headline from the host. Needs a server admin and mod_announce.",
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
    const [host, said, onlyXmgr] = await sessions.use(async ({ session, login, account }) => {
      const to = hostFor(login);
      // The server counts the login account too; when xmgr's is its only session, nobody got it there.
      const onlyXmgr = to === login.domain && (await ownSessionCount(session, login)) === 1;
      const answer = await runAdhoc(session, {
        to,
        ...KNOWN_COMMANDS.announce,
        values: { announcement: [text], ...(subject && { subject: [subject] }) },
        forbidden: needsAdmin(account, "make announcements"),
      });
      return [to, infoText(answer), onlyXmgr] as const;
    });
    const serverCount = announcedTo(said);
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
