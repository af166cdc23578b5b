// The online sessions of a host, from admin#get-online-users-list with details: each bare JID on
// a line of its own, followed by " - <resource~sfx>: <show>(<priority|->), IP: [<ip>]" per session.
// The show is given in prosodyctl shell's words: "online" for an available presence without <show/>
// (the server says "available"), nothing for a session that sent no presence ("unavailable").
// ejabberd lists only the accounts (onlineSessions reads their sessions from user-stats).
import type { XmppSession } from "../../xmpp/session.js";
import type { Dialect } from "../../protocol/dialects/dialect.js";
import { parseBareJid } from "../../jid.js";
import { userStats } from "../user/admin-accounts.js";
import { fieldValues } from "../../protocol/data-form.js";
import { runAdhoc } from "../adhoc-call.js";

export interface OnlineSession {
  account: string;
  resource: string;
  /** online, away, chat, dnd, xa (as prosodyctl shell c2s:show); absent for a session that sent no presence. */
  show?: string;
  /** Absent for a session that sent no presence. */
  priority?: number;
  ip: string;
}

const SESSION_LINE = /^ - (.+): ([^\s():]+)\(([^()]*)\), IP: \[([^\]]*)\]$/;

export function parseOnlineList(lines: readonly string[]): OnlineSession[] {
  const sessions: OnlineSession[] = [];
  let account = "";
  for (const line of lines.flatMap((value) => value.split("\n"))) {
    const match = SESSION_LINE.exec(line);
    if (match) {
      const priority = Number(match[3]);
      const show = match[2] === "available" ? "online" : match[2];
      sessions.push({ account, resource: match[1], ...(show !== "unavailable" && { show }), ...(match[3] !== "-" && Number.isFinite(priority) && { priority }), ip: match[4] });
    } else if (line.trim() !== "") {
      account = line.trim();
    }
  }
  return sessions;
}

/**
 * The online sessions of `host`. Prosody: one request with details. A server whose list node takes
 * no form (ejabberd) lists only the online accounts; each one's resources and IP addresses then come
 * from user-stats (asked side by side). Show and priority are not given there: left out.
 */
export async function onlineSessions(session: XmppSession, host: string, dialect: Dialect): Promise<OnlineSession[]> {
  const command = dialect.commands.getOnlineUsersList;
  if (dialect.lists === "form") {
    const answer = await runAdhoc(session, { to: host, ...command, values: { max_items: ["all"], details: ["1"] } });
    return parseOnlineList(answer.form ? (fieldValues(answer.form, "onlineuserjids") ?? []) : []);
  }
  const answer = await runAdhoc(session, { to: host, ...command, values: {} });
  const accounts = [...new Set((answer.form ? (fieldValues(answer.form, "onlineuserjids") ?? []) : []).map((jid) => jid.trim()).filter((jid) => jid !== ""))];
  const perAccount = await Promise.all(
    accounts.map(async (account) => {
      const stats = await userStats(session, parseBareJid(account, "account JID"));
      return stats.sessions.map((entry) => ({ account, resource: entry.resource, ip: entry.ip }));
    }),
  );
  return perAccount.flat();
}

/** The sessions other than the one xmgr itself is logged in with (its bound full JID). */
export function othersThan(sessions: readonly OnlineSession[], ownFullJid: string): OnlineSession[] {
  return sessions.filter((entry) => `${entry.account}/${entry.resource}` !== ownFullJid);
}

export const INCLUDE_SELF_OPTION = { long: "--include-self", help: "count xmgr's own session too (left out by default, as it is not a client of the server's users)" };

/** What xmgr's mod_admin_sessions adds about a session (the columns of prosodyctl shell c2s:show). */
export interface SessionDetails {
  id?: string;
  role?: string;
  ipv?: string;
  tls?: string;
  sm?: string;
  csi?: string;
  /** RFC 3339, to the second. */
  created?: string;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** mod_admin_sessions' lines (one JSON object each) → full JID → details. Lines that are not such objects are left out. */
export function parseSessionDetails(lines: readonly string[]): Map<string, SessionDetails> {
  const details = new Map<string, SessionDetails>();
  for (const line of lines.flatMap((value) => value.split("\n"))) {
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const jid = text(row?.jid);
    if (!jid) continue;
    const ip = text(row.ip);
    const created = typeof row.created === "number" && Number.isFinite(row.created) ? new Date(row.created * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") : undefined;
    const entry: SessionDetails = {
      id: text(row.id),
      role: text(row.role),
      ipv: ip === undefined ? undefined : ip.includes(":") ? "IPv6" : "IPv4",
      tls: text(row.tls),
      sm: text(row.sm),
      csi: text(row.csi),
      created,
    };
    details.set(jid, Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)) as SessionDetails);
  }
  return details;
}
