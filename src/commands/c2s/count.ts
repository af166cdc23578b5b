// xmgr c2s count [HOST]: how many accounts and client sessions are online: on HOST, or, as
// prosodyctl shell c2s:count(), on every VirtualHost (listed by xmgr's mod_admin_hosts; without
// it, on your host).
import { ExitCode, XmgrError } from "../../errors.js";
import { defineCommand } from "../define.js";
import { dialectFor } from "../server-dialect.js";
import { hostOrLogin } from "../host-or-login.js";
import { serverHosts } from "../hosts-module.js";
import { INCLUDE_SELF_OPTION, onlineSessions, othersThan } from "./online.js";

export default defineCommand<{ host?: string }, { includeSelf?: boolean }>({
  section: "c2s",
  name: "count",
  summary: "count the online accounts and client sessions (default: every host)",
  details:
    "Without HOST, every VirtualHost, as prosodyctl shell c2s:count(): the hosts come from xmgr's module mod_admin_hosts (operator role); without it, and on ejabberd, your host only (the output names the hosts counted). " +
    "xmgr's own session is not counted (--include-self counts it). Needs a server admin (Prosody: mod_admin_adhoc on each host; ejabberd: mod_configure).",
  args: [{ name: "host", kind: "host", optional: true, help: "the host, e.g. example.com; default: every host" }],
  options: [INCLUDE_SELF_OPTION],
  examples: ["xmgr c2s count", "xmgr c2s count example.com --include-self", "xmgr --json c2s count | jq .sessions"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { host }, options) {
    const hostFor = host === undefined ? undefined : hostOrLogin(host);
    const [hosts, online] = await sessions.use(async (loggedIn) => {
      const { session, login, account } = loggedIn;
      const dialect = await dialectFor(loggedIn, "c2s count");
      const hosts = hostFor
        ? [hostFor(login)]
        : !dialect.allHostsOverXmpp
          ? [login.domain]
        : await serverHosts({ session, at: login.domain, account, what: "list the server's hosts" }).then(
            (all) => all.filter((entry) => entry.type === "local").map((entry) => entry.jid),
            (error: unknown) => {
              if (error instanceof XmgrError && error.exitCode === ExitCode.refused) return [login.domain];
              throw error;
            },
          );
      const online = (await Promise.all(hosts.map((to) => onlineSessions(session, to, dialect)))).flat();
      return [hosts, options.includeSelf ? online : othersThan(online, session.boundJid)] as const;
    });
    const accounts = new Set(online.map((entry) => entry.account)).size;
    if (output.json) {
      output.jsonData({ hosts, accounts, sessions: online.length });
      return;
    }
    output.data(`${online.length} session${online.length === 1 ? "" : "s"} of ${accounts} account${accounts === 1 ? "" : "s"} on ${hosts.join(", ")}`);
  },
});
