// Being in a room for a moment, as the admin: join (visible to everyone in it), read the
// self-presence, leave. For muc create (the join creates the room) and muc kick over XMPP (Prosody
// takes a kick only from a moderator who is in the room).
import { XmgrError } from "../../errors.js";
import { joinPresence, leavePresence, readOccupantPresence, roomOf, type OccupantPresence } from "../../protocol/muc.js";
import type { XmppSession } from "../../xmpp/session.js";

/** Joins `room` as `nick`; resolves with the self-presence (status 110), throws on a refused join. */
export async function joinRoom(session: XmppSession, room: string, nick: string): Promise<OccupantPresence> {
  const self = session.waitFor((stanza) => {
    if (stanza.name !== "presence" || roomOf(String(stanza.attrs.from ?? "")) !== room) return false;
    const presence = readOccupantPresence(stanza);
    return presence !== undefined && (presence.type === "error" || presence.statuses.includes("110"));
  }, `answer to joining ${room}`);
  try {
    await session.send(joinPresence(room, nick));
  } catch (error) {
    self.catch(() => undefined);
    throw error;
  }
  const presence = readOccupantPresence(await self)!;
  if (presence.error) throw joinRefused(room, nick, presence.error);
  return presence;
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
    case "gone":
      return new XmgrError("notFound", `${room} was destroyed (its name is still reserved).`);
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
