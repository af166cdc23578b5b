// Being in a room for a moment, as the admin: join (visible to everyone in it), read the
// self-presence, leave. For muc create (the join creates the room) and muc kick over XMPP (Prosody
// takes a kick only from a moderator who is in the room).
import type { Element } from "@xmpp/xml";
import { XmgrError } from "../../errors.js";
import { joinPresence, leavePresence, readOccupantPresence, roomOf, type OccupantPresence } from "../../protocol/muc.js";
import type { XmppSession } from "../../xmpp/session.js";

export interface Joined {
  self: OccupantPresence;
  /** The nicknames of the others in the room, as their presences named them. */
  others: string[];
}

const nickOf = (occupant: string) => occupant.slice(occupant.indexOf("/") + 1);

/** Joins `room` as `nick`; resolves with the self-presence (status 110), throws on a refused join. */
export async function joinRoom(session: XmppSession, room: string, nick: string): Promise<Joined> {
  const others = new Set<string>();
  const fromRoom = (stanza: Element) => stanza.name === "presence" && roomOf(String(stanza.attrs.from ?? "")) === room;
  const self = session.waitFor((stanza) => {
    if (!fromRoom(stanza)) return false;
    const presence = readOccupantPresence(stanza);
    if (!presence) return false;
    if (presence.type === "error") return true;
    if (presence.statuses.includes("110")) return true;
    if (presence.type !== "unavailable") others.add(nickOf(presence.from));
    return false;
  }, `answer to joining ${room}`);
  await session.send(joinPresence(room, nick));
  const presence = readOccupantPresence(await self)!;
  if (presence.error) throw joinRefused(room, nick, presence.error);
  others.delete(nick);
  return { self: presence, others: [...others] };
}

function joinRefused(room: string, nick: string, condition: string): XmgrError {
  switch (condition) {
    case "conflict":
      return new XmgrError("refused", `Someone in ${room} already uses the nickname ${nick}.`, "Choose another with --nick.");
    case "not-authorized":
      return new XmgrError("refused", `${room} has a password, so xmgr cannot join it.`);
    case "forbidden":
      return new XmgrError("refused", `${room} refused the join: your account is banned from it.`);
    case "registration-required":
      return new XmgrError("refused", `${room} is members-only and your account is not a member.`);
    case "item-not-found":
    case "not-allowed":
      return new XmgrError("refused", `${room} does not exist and the service does not let your account create it (${condition}).`);
    default:
      return new XmgrError("failure", `${room} refused the join (${condition}).`);
  }
}

/** Leaves the room and waits until the server confirms; a failure here changes nothing for the caller. */
export async function leaveRoom(session: XmppSession, room: string, nick: string): Promise<void> {
  if (!session.isOpen) return;
  const left = session.waitFor((stanza) => {
    if (stanza.name !== "presence" || roomOf(String(stanza.attrs.from ?? "")) !== room) return false;
    const presence = readOccupantPresence(stanza);
    return presence?.type === "unavailable" && presence.statuses.includes("110");
  }, `confirmation of leaving ${room}`);
  try {
    await session.send(leavePresence(room, nick));
    await left;
  } catch {
    left.catch(() => undefined);
  }
}
