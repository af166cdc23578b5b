// xmgr user info JID: an account's roster size and online sessions with their IP addresses (admin#user-stats;
// where user-stats answers any name, ejabberd, the account's existence is checked first).
import { parseBareJid } from "../../jid.js";
import { defineCommand } from "../define.js";
import { userStats } from "./admin-accounts.js";
import { dialectFor } from "../server-dialect.js";

export default defineCommand<{ jid: string }>({
  section: "user",
  name: "info",
  summary: "show an account's roster size and online sessions with their IP addresses",
  details: "An unknown account is exit 4. Needs a server admin (Prosody: mod_admin_adhoc; ejabberd: mod_configure, which shows IP addresses with the port).",
  args: [{ name: "jid", kind: "account", help: "the account, e.g. alice@example.com" }],
  examples: ["xmgr user info alice@example.com", "xmgr --json user info alice@example.com | jq -r '.sessions[].ip'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { jid }) {
    const target = parseBareJid(jid, "account JID");
    const stats = await sessions.use(async (login) => userStats(login.session, target, undefined, await dialectFor(login, "user info")));
    if (output.json) {
      output.jsonData({ jid: stats.account, rosterSize: stats.rosterSize, sessions: stats.sessions });
      return;
    }
    output.data(`Account      ${stats.account}\nRoster size  ${stats.rosterSize}\nSessions     ${stats.sessions.length}`);
    if (stats.sessions.length > 0) {
      output.table([{ title: "Resource", cell: (row) => row.resource }, { title: "IP address", cell: (row) => row.ip }], stats.sessions);
    }
  },
});
