// The online sessions of a host, from admin#get-online-users-list with details: each bare JID on
// a line of its own, followed by " - <resource~sfx>: <show>(<priority|->), IP: [<ip>]" per session.
import type { XmppSession } from "../../xmpp/session.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { fieldValues } from "../../protocol/data-form.js";
import { runAdhoc } from "../adhoc-call.js";

export interface OnlineSession {
  account: string;
  resource: string;
  /** available, away, chat, dnd, xa; "unavailable" for a session that sent no presence. */
  show: string;
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
      sessions.push({ account, resource: match[1], show: match[2], ...(match[3] !== "-" && Number.isFinite(priority) && { priority }), ip: match[4] });
    } else if (line.trim() !== "") {
      account = line.trim();
    }
  }
  return sessions;
}

export async function onlineSessions(session: XmppSession, host: string): Promise<OnlineSession[]> {
  const answer = await runAdhoc(session, { to: host, ...KNOWN_COMMANDS.getOnlineUsersList, values: { max_items: ["all"], details: ["1"] } });
  return parseOnlineList(answer.form ? (fieldValues(answer.form, "onlineuserjids") ?? []) : []);
}
