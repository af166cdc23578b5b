// xmgr c2s close JID: end an account's sessions (a bare JID) or one session (a full JID), over
// admin#end-user-session. Prosody answers "successfully disconnected" for an offline account and
// for a resource it does not have (it needs the bound name with its ~suffix), so xmgr looks
// first (admin#user-stats) and says "not connected" instead of a false success.
import { XmgrError } from "../../errors.js";
import { bare, parseJid, sameBare } from "../../jid.js";
import { infoText, runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { dialectFor } from "../server-dialect.js";
import { closesOwnSession, succeededAccounts, userStats } from "../user/admin-accounts.js";

export default defineCommand<{ jid: string }>({
  section: "c2s",
  name: "close",
  summary: "close an account's client sessions (bare JID) or one of them (full JID)",
  details:
    "A full JID needs the resource as the server bound it, with its suffix (Prosody: ~RANDOM, ejabberd: .RANDOM; see 'c2s show'). An account or resource that is not connected is exit 4. The client may log in again at once; to keep it out, use 'user disable'. Needs a server admin (Prosody: mod_admin_adhoc; ejabberd: mod_configure).",
  args: [{ name: "jid", kind: "fulljid", help: "alice@example.com (all her sessions) or alice@example.com/phone~Xy12 (one)" }],
  examples: ["xmgr c2s close alice@example.com", "xmgr c2s close 'alice@example.com/phone~10++ciEq8hiw'"],
  transport: "xmpp",
  // Closing xmgr's own account ends the session pipelined requests would share.
  batch: "alone",
  async run({ sessions, output }, { jid }) {
    const target = parseJid(jid, "JID");
    const account = bare(target);
    const full = target.resource === undefined ? undefined : `${account}/${target.resource}`;
    const closed = await sessions.use(async (loggedIn) => {
      const { session, login } = loggedIn;
      const dialect = await dialectFor(loggedIn, "c2s close");
      const stats = await userStats(session, target);
      const resources = stats.sessions.map((entry) => entry.resource);
      const closing = target.resource === undefined ? resources : resources.filter((resource) => resource === target.resource);
      if (closing.length === 0) {
        throw new XmgrError(
          "notFound",
          `${full ?? account} is not connected: nothing was closed.`,
          full && resources.length > 0 ? `${account} is connected as: ${resources.join(", ")} (see xmgr c2s show ${account})` : undefined,
        );
      }
      const command = dialect.commands.endUserSession;
      // Prosody's field is accountjids (jid-multi), ejabberd's accountjid (jid-single): one JID either way.
      const field = command.fields[0]?.var ?? "accountjids";
      const close = async () => {
        const answer = await runAdhoc(session, { to: target.domain, ...command, values: { [field]: [full ?? account] } });
        const said = infoText(answer);
        // ejabberd's success is a bare `completed` (the pre-check above found the sessions).
        const toldByNote = /^The following accounts (were successfully|could not be) \S+:$/m.test(said);
        if (toldByNote && !succeededAccounts(said).has((full ?? account).toLowerCase())) {
          throw new XmgrError("failure", `The server could not close ${full ?? account}: ${infoText(answer) || "it did not say why"}`);
        }
        return closing;
      };
      // Closing xmgr's own account (or its own session) closes this session before the answer.
      return sameBare(target, login) ? closesOwnSession(close, closing) : close();
    });
    if (output.json) {
      output.jsonData({ jid: full ?? account, closed: closed.map((resource) => `${account}/${resource}`) });
      return;
    }
    output.ok(`Closed ${closed.length} session${closed.length === 1 ? "" : "s"} of ${account}: ${closed.join(", ")}`);
  },
});
