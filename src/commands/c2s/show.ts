// xmgr c2s show [JID]: the client sessions of a host, or of one account.
import { parseAddress, parseBareJid, parseHost } from "../../jid.js";
import { renderTable } from "../../output/table.js";
import { defineCommand } from "../define.js";
import { onlineSessions, type OnlineSession } from "./online.js";

export default defineCommand<{ jid?: string }>({
  section: "c2s",
  name: "show",
  summary: "show client sessions: account, resource, show, priority, IP (default: all on your host)",
  details: "Give a host for all its sessions, or an account for its sessions only. Needs a server admin (mod_admin_adhoc).",
  args: [{ name: "jid", kind: "jid", optional: true, help: "an account (alice@example.com) or a host (example.com); default: your host" }],
  examples: ["xmgr c2s show", "xmgr c2s show alice@example.com", "xmgr --json c2s show | jq -r '.sessions[] | .account + \"/\" + .resource'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { jid }) {
    const address = jid === undefined ? undefined : parseAddress(jid);
    const account = address?.includes("@") ? parseBareJid(address, "account JID") : undefined;
    const hostGiven = address !== undefined && !account ? parseHost(address) : undefined;
    const [host, all] = await sessions.use(async ({ session, login }) => {
      const host = account?.domain ?? hostGiven ?? login.domain;
      return [host, await onlineSessions(session, host)] as const;
    });
    const accountText = account ? `${account.local}@${account.domain}` : undefined;
    const shown = accountText ? all.filter((entry) => entry.account.toLowerCase() === accountText.toLowerCase()) : all;
    shown.sort((a, b) => a.account.localeCompare(b.account) || a.resource.localeCompare(b.resource));
    if (output.json) {
      output.jsonData({ ...(accountText ? { account: accountText } : { host }), sessions: shown });
      return;
    }
    if (shown.length === 0) {
      output.ok(accountText ? `${accountText} is not connected` : `No client sessions on ${host}`);
      return;
    }
    output.data(
      renderTable(
        [
          { title: "Account", cell: (row: OnlineSession) => row.account },
          { title: "Resource", cell: (row: OnlineSession) => row.resource },
          { title: "Show", cell: (row: OnlineSession) => row.show },
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
