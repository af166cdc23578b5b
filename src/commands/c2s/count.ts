// xmgr c2s count [HOST]: how many accounts and client sessions are online.
import { defineCommand } from "../define.js";
import { hostOrLogin } from "../host-or-login.js";
import { INCLUDE_SELF_OPTION, onlineSessions, othersThan } from "./online.js";

export default defineCommand<{ host?: string }, { includeSelf?: boolean }>({
  section: "c2s",
  name: "count",
  summary: "count the online accounts and client sessions (default: your host)",
  details: "xmgr's own session is not counted (--include-self counts it). Needs a server admin (mod_admin_adhoc).",
  args: [{ name: "host", kind: "host", optional: true, help: "the host, e.g. example.com; default: your host" }],
  options: [INCLUDE_SELF_OPTION],
  examples: ["xmgr c2s count", "xmgr c2s count example.com --include-self", "xmgr --json c2s count | jq .sessions"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { host }, options) {
    const hostFor = hostOrLogin(host);
    const [to, online] = await sessions.use(async ({ session, login }) => {
      const to = hostFor(login);
      const online = await onlineSessions(session, to);
      return [to, options.includeSelf ? online : othersThan(online, session.boundJid)] as const;
    });
    const accounts = new Set(online.map((entry) => entry.account)).size;
    if (output.json) {
      output.jsonData({ host: to, accounts, sessions: online.length });
      return;
    }
    output.data(`${online.length} session${online.length === 1 ? "" : "s"} of ${accounts} account${accounts === 1 ? "" : "s"} on ${to}`);
  },
});
