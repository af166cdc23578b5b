// c2s show --columns: the columns a session can show, and the details beyond what
// get-online-users-list gives, read from xmgr's prosody/mod_admin_sessions.lua.
import { XmgrError, usageError } from "../../errors.js";
import { execute, checkCommandAnswer, parseCommandAnswer } from "../../protocol/adhoc.js";
import { fieldValues } from "../../protocol/data-form.js";
import type { XmppSession } from "../../xmpp/session.js";
import { parseSessionDetails, type OnlineSession, type SessionDetails } from "./online.js";

export type SessionRow = OnlineSession & SessionDetails;

const role = (row: SessionRow) => row.role?.replace(/^prosody:/, "") ?? "";

/** Each column: its title and cell; `detail` ones need mod_admin_sessions. */
export const SESSION_COLUMNS: Record<string, { title: string; cell: (row: SessionRow) => string; detail?: true }> = {
  account: { title: "Account", cell: (row) => row.account },
  resource: { title: "Resource", cell: (row) => row.resource },
  show: { title: "Show", cell: (row) => row.show ?? "" },
  priority: { title: "Priority", cell: (row) => (row.priority === undefined ? "" : String(row.priority)) },
  ip: { title: "IP address", cell: (row) => row.ip },
  id: { title: "Session ID", cell: (row) => row.id ?? "", detail: true },
  role: { title: "Role", cell: role, detail: true },
  ipv: { title: "IPv", cell: (row) => row.ipv ?? "", detail: true },
  tls: { title: "Security", cell: (row) => row.tls ?? "", detail: true },
  sm: { title: "SM", cell: (row) => row.sm ?? "", detail: true },
  csi: { title: "CSI State", cell: (row) => row.csi ?? "", detail: true },
  created: { title: "Created", cell: (row) => row.created?.replace("T", " ").replace("Z", " UTC") ?? "", detail: true },
};

export const DEFAULT_COLUMNS = ["account", "resource", "show", "priority", "ip"];
export const SESSIONS_MODULE_SECTION = 'README, "Session details: mod_admin_sessions"';

/** --columns "id,role,tls" (commas or spaces) → the column names, checked. */
export function parseColumns(text: string | undefined): string[] {
  if (text === undefined) return DEFAULT_COLUMNS;
  const names = text.split(/[\s,]+/).filter(Boolean).map((name) => name.toLowerCase());
  const unknown = names.filter((name) => !(name in SESSION_COLUMNS));
  if (names.length === 0 || unknown.length > 0) {
    throw usageError(`Invalid --columns ${JSON.stringify(text)}${unknown.length > 0 ? `: no column ${unknown.join(", ")}` : ""}.`, `Columns: ${Object.keys(SESSION_COLUMNS).join(", ")}.`);
  }
  return names;
}

export const needsDetails = (columns: readonly string[]) => columns.some((name) => SESSION_COLUMNS[name].detail);

export async function sessionDetails(session: XmppSession, host: string): Promise<Map<string, SessionDetails>> {
  const node = "xmgr:c2s#list";
  const answer = parseCommandAnswer(await session.request(execute(host, node, {})));
  if (answer.stanzaError?.condition === "service-unavailable" || answer.stanzaError?.condition === "item-not-found") {
    throw new XmgrError(
      "refused",
      `${host} does not give session details over XMPP: xmgr's Prosody module mod_admin_sessions is not loaded there.`,
      `Install prosody/mod_admin_sessions.lua and add "admin_sessions" to the host's modules_enabled (${SESSIONS_MODULE_SECTION}), or leave out the columns ${Object.keys(SESSION_COLUMNS).filter((name) => SESSION_COLUMNS[name].detail).join(", ")}.`,
    );
  }
  const checked = checkCommandAnswer(answer, { to: host, node });
  return parseSessionDetails(checked.form ? (fieldValues(checked.form, "sessions") ?? []) : []);
}
