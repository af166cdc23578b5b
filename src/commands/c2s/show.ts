// xmgr c2s show [JID]: the client sessions of a host, of one account, or one session (full JID).
// xmgr's own session is left out unless --include-self: prosodyctl shell, which is not a client,
// does not see it, and it is no session of the server's users.
import { parseAddress, parseJid, parseHost } from "../../jid.js";
import { renderTable } from "../../output/table.js";
import { defineCommand } from "../define.js";
import { INCLUDE_SELF_OPTION, onlineSessions, othersThan, type OnlineSession } from "./online.js";

export default defineCommand<{ jid?: string }, { includeSelf?: boolean }>({
  section: "c2s",
  name: "show",
  summary: "show client sessions: account, resource, show, priority, IP (default: all on your host)",
  details:
    "Give a host for all its sessions, an account for its sessions only, or a full JID (with the resource's ~suffix) for one session. " +
    "Show is as in prosodyctl shell: online, away, chat, dnd or xa; blank for a session that sent no presence. " +
    "xmgr's own session is left out (--include-self shows it). Needs a server admin (mod_admin_adhoc).",
  args: [{ name: "jid", kind: "fulljid", optional: true, help: "a host (example.com), an account (alice@example.com) or a session (alice@example.com/phone~Xy12); default: your host" }],
  options: [INCLUDE_SELF_OPTION],
  examples: ["xmgr c2s show", "xmgr c2s show alice@example.com", "xmgr c2s show --include-self", "xmgr --json c2s show | jq -r '.sessions[] | .account + \"/\" + .resource'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { jid }, options) {
    const address = jid === undefined ? undefined : parseAddress(jid);
    const account = address?.includes("@") ? parseJid(address, "account JID") : undefined;
    const hostGiven = address !== undefined && !account ? parseHost(address) : undefined;
    const [host, all] = await sessions.use(async ({ session, login }) => {
      const host = account?.domain ?? hostGiven ?? login.domain;
      const online = await onlineSessions(session, host);
      return [host, options.includeSelf ? online : othersThan(online, session.boundJid)] as const;
    });
    const accountText = account ? `${account.local}@${account.domain}` : undefined;
    const fullText = account?.resource === undefined ? undefined : `${accountText}/${account.resource}`;
    const shown = all.filter(
      (entry) => !accountText || (entry.account.toLowerCase() === accountText.toLowerCase() && (account?.resource === undefined || entry.resource === account.resource)),
    );
    shown.sort((a, b) => a.account.localeCompare(b.account) || a.resource.localeCompare(b.resource));
    if (output.json) {
      output.jsonData({ ...(accountText ? { account: accountText } : { host }), sessions: shown });
      return;
    }
    if (shown.length === 0) {
      output.ok(accountText ? `${fullText ?? accountText} is not connected` : `No client sessions on ${host}`);
      return;
    }
    output.data(
      renderTable(
        [
          { title: "Account", cell: (row: OnlineSession) => row.account },
          { title: "Resource", cell: (row: OnlineSession) => row.resource },
          { title: "Show", cell: (row: OnlineSession) => row.show ?? "" },
          { title: "Priority", cell: (row: OnlineSession) => (row.priority === undefined ? "" : String(row.priority)) },
          { title: "IP address", cell: (row: OnlineSession) => row.ip },
        ],
        shown,
        output.paint,
      ),
    );
    const accounts = new Set(shown.map((entry) => entry.account)).size;
    output.ok(`${shown.length} session${shown.length === 1 ? "" : "s"}${accountText ? "" : ` of ${accounts} account${accounts === 1 ? "" : "s"}`}`);
  },
});
