// xmgr c2s count [HOST]: how many accounts and client sessions are online.
import { defineCommand } from "../define.js";
import { hostOrLogin } from "../host-or-login.js";
import { onlineSessions } from "./online.js";

export default defineCommand<{ host?: string }>({
  section: "c2s",
  name: "count",
  summary: "count the online accounts and client sessions (default: your host)",
  details: "Needs a server admin (mod_admin_adhoc).",
  args: [{ name: "host", kind: "host", optional: true, help: "the host, e.g. example.com; default: your host" }],
  examples: ["xmgr c2s count", "xmgr --json c2s count | jq .sessions"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { host }) {
    const hostFor = hostOrLogin(host);
    const [to, online] = await sessions.use(async ({ session, login }) => {
      const to = hostFor(login);
      return [to, await onlineSessions(session, to)] as const;
    });
    const accounts = new Set(online.map((entry) => entry.account)).size;
    if (output.json) {
      output.jsonData({ host: to, accounts, sessions: online.length });
      return;
    }
    output.data(`${online.length} session${online.length === 1 ? "" : "s"} of ${accounts} account${accounts === 1 ? "" : "s"} on ${to}`);
  },
});
