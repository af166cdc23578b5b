// xmgr c2s show [JID]: the client sessions of a host, of one account, or one session (full JID).
// xmgr's own session is left out unless --include-self: prosodyctl shell, which is not a client,
// does not see it, and it is no session of the server's users.
import { parseAddress, parseJid, parseHost } from "../../jid.js";
import { defineCommand } from "../define.js";
import { dialectFor } from "../server-dialect.js";
import { INCLUDE_SELF_OPTION, onlineSessions, othersThan } from "./online.js";
import { SESSIONS_MODULE_SECTION, SESSION_COLUMNS, needsDetails, parseColumns, sessionDetails, type SessionRow } from "./session-details.js";

export default defineCommand<{ jid?: string }, { includeSelf?: boolean; columns?: string }>({
  section: "c2s",
  name: "show",
  summary: "show client sessions: account, resource, show, priority, IP (default: all on your host)",
  details:
    "Give a host for all its sessions, an account for its sessions only, or a full JID (with the resource's ~suffix) for one session. " +
    "Show is as in prosodyctl shell: online, away, chat, dnd or xa; blank for a session that sent no presence. " +
    "ejabberd gives neither show nor priority over XMPP (blank there), and its IP addresses include the port. " +
    "xmgr's own session is left out (--include-self shows it). " +
    `--columns picks the columns: account, resource, show, priority, ip (the default), and, as prosodyctl shell c2s:show shows them, id, role, ipv, tls, sm, csi and created, which need xmgr's module mod_admin_sessions (${SESSIONS_MODULE_SECTION}); with these, --json gives them too. ` +
    "Needs a server admin (Prosody: mod_admin_adhoc; ejabberd: mod_configure).",
  args: [{ name: "jid", kind: "fulljid", optional: true, help: "a host (example.com), an account (alice@example.com) or a session (alice@example.com/phone~Xy12); default: your host" }],
  options: [INCLUDE_SELF_OPTION, { long: "--columns", value: "LIST", help: "the columns, e.g. account,resource,role,tls,sm,csi,created (see above)" }],
  examples: ["xmgr c2s show", "xmgr c2s show alice@example.com", "xmgr c2s show --include-self", "xmgr c2s show --columns id,account,resource,role,ipv,show,tls,sm,csi", "xmgr --json c2s show | jq -r '.sessions[] | .jid + \"/\" + .resource'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { jid }, options) {
    const address = jid === undefined ? undefined : parseAddress(jid);
    const account = address?.includes("@") ? parseJid(address, "account JID") : undefined;
    const hostGiven = address !== undefined && !account ? parseHost(address) : undefined;
    const columns = parseColumns(options.columns);
    const [host, all] = await sessions.use(async (loggedIn) => {
      const { session, login } = loggedIn;
      const host = account?.domain ?? hostGiven ?? login.domain;
      const dialect = await dialectFor(loggedIn, "c2s show");
      const [online, details] = await Promise.all([onlineSessions(session, host, dialect), needsDetails(columns) ? sessionDetails(session, host) : undefined]);
      const rows: SessionRow[] = (options.includeSelf ? online : othersThan(online, session.boundJid)).map((entry) => ({ ...entry, ...details?.get(`${entry.account}/${entry.resource}`) }));
      return [host, rows] as const;
    });
    const accountText = account ? `${account.local}@${account.domain}` : undefined;
    const fullText = account?.resource === undefined ? undefined : `${accountText}/${account.resource}`;
    const shown = all.filter(
      (entry) => !accountText || (entry.account.toLowerCase() === accountText.toLowerCase() && (account?.resource === undefined || entry.resource === account.resource)),
    );
    shown.sort((a, b) => a.account.localeCompare(b.account) || a.resource.localeCompare(b.resource));
    if (output.json) {
      output.jsonData({ host, ...(accountText && { jid: fullText ?? accountText }), sessions: shown.map(({ account: jid, ...session }) => ({ jid, ...session })) });
      return;
    }
    if (shown.length === 0) {
      output.ok(accountText ? `${fullText ?? accountText} is not connected` : `No client sessions on ${host}`);
      return;
    }
    output.table(
      columns.map((name) => SESSION_COLUMNS[name]),
      shown,
    );
    const accounts = new Set(shown.map((entry) => entry.account)).size;
    output.ok(`${shown.length} session${shown.length === 1 ? "" : "s"}${accountText ? "" : ` of ${accounts} account${accounts === 1 ? "" : "s"}`}`);
  },
});
