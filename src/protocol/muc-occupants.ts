// A room's occupants as a remote admin can read them: XEP-0045's role lists (muc#admin
// <item role='moderator|participant|visitor'/>). Prosody answers them to a moderator, which a
// non-occupant is when its affiliation's default role is (an owner: a server admin where the
// component sets component_admins_as_room_owners). One item per session of an occupant, with the
// session's real JID. Pure: builds and reads stanzas, no I/O.
import type { Element } from "@xmpp/xml";
import xml from "@xmpp/xml";
import { NS_MUC_ADMIN } from "./muc.js";

/** The roles of occupants, highest first (as prosodyctl shell muc:occupants sorts them). */
export const OCCUPANT_ROLES = ["moderator", "participant", "visitor"] as const;
export type OccupantRole = (typeof OCCUPANT_ROLES)[number];

export const roleListRequest = (room: string, role: OccupantRole): Element =>
  xml("iq", { type: "get", to: room }, xml("query", { xmlns: NS_MUC_ADMIN }, xml("item", { role })));

export interface Occupant {
  nick: string;
  role: string;
  affiliation: string;
  /** The occupant's bare JID (absent when the room hides it). */
  jid?: string;
  /** The full JIDs of its sessions in the room. */
  sessions: string[];
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** The occupants of a role list's answers: one per nick, its sessions gathered. */
export function parseRoleLists(answers: readonly Element[]): Occupant[] {
  const byNick = new Map<string, Occupant>();
  for (const answer of answers) {
    for (const item of answer.getChild("query", NS_MUC_ADMIN)?.getChildren("item") ?? []) {
      const nick = str(item.attrs.nick);
      const role = str(item.attrs.role);
      if (!nick || !role) continue;
      const full = str(item.attrs.jid);
      const occupant = byNick.get(nick) ?? { nick, role, affiliation: str(item.attrs.affiliation) ?? "none", sessions: [] };
      if (full) {
        occupant.jid ??= full.split("/")[0];
        occupant.sessions.push(full);
      }
      byNick.set(nick, occupant);
    }
  }
  return [...byNick.values()];
}

/** prosodyctl shell muc:occupants' order: the higher role first, then by JID. */
export function sortOccupants(occupants: Occupant[]): Occupant[] {
  const rank = (role: string) => {
    const index = (OCCUPANT_ROLES as readonly string[]).indexOf(role);
    return index === -1 ? OCCUPANT_ROLES.length : index;
  };
  return occupants.sort((a, b) => rank(a.role) - rank(b.role) || (a.jid ?? "").localeCompare(b.jid ?? "") || a.nick.localeCompare(b.nick));
}

/** prosodyctl's filter: a role's name, or else a part of the nick (as written). */
export const occupantFilter = (filter: string) => (occupant: Occupant) => occupant.role === filter || occupant.nick.includes(filter);
