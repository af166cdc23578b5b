// xmgr muc destroy ROOM… [--reason TEXT] [--alternate ROOM]: destroy rooms. Without a reason or
// an alternate room, one muc#destroy ad-hoc command per MUC service (server admins, any room).
// That command carries neither, so with them xmgr sends each room the owner's <destroy/>, which
// Prosody takes from a server admin only with component_admins_as_room_owners; where it refuses,
// the ad-hoc command destroys the room without them, and xmgr says so.
import { XmgrError } from "../../errors.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { destroyedRooms, discoInfoRequest, ownerDestroyRequest } from "../../protocol/muc.js";
import { readStanzaError } from "../../protocol/stanza-error.js";
import type { XmppSession } from "../../xmpp/session.js";
import { infoText, runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { verdictOver } from "../lost-answer.js";
import { checkReason } from "./kick.js";
import { parseRoom, roomFailure, serviceOf } from "./rooms.js";

interface DestroyOptions {
  reason?: string;
  alternate?: string;
  yes?: boolean;
}

const unique = (values: string[]) => [...new Set(values)];

/** The muc#destroy ad-hoc command for rooms of one service; returns those it destroyed (it leaves unknown rooms out silently). */
async function destroyWithAdhoc(session: XmppSession, service: string, rooms: string[]): Promise<string[]> {
  const answer = await runAdhoc(session, {
    to: service,
    ...KNOWN_COMMANDS.mucDestroy,
    values: { rooms },
    forbidden: `${service} lets only server admins destroy rooms they do not own.`,
  });
  const destroyed = destroyedRooms(infoText(answer)).map((room) => room.toLowerCase());
  return rooms.filter((room) => destroyed.includes(room));
}

/** Whether a room is gone: its disco#info answers item-not-found (or gone: Prosody keeps a destroyed room's name for a while). */
async function roomGone(session: XmppSession, room: string): Promise<boolean> {
  const answer = await session.request(discoInfoRequest(room));
  if (answer.attrs.type === "result") return false;
  const error = readStanzaError(answer);
  if (error.condition === "item-not-found" || error.condition === "gone") return true;
  throw roomFailure(error, room, { message: `${room} could not be looked up` });
}

/** The owner's destroy with reason and alternate: "destroyed", "not-found", or "refused" (not an owner). */
async function destroyAsOwner(session: XmppSession, room: string, options: { reason?: string; alternate?: string }): Promise<"destroyed" | "not-found" | "refused"> {
  const answer = await session.request(ownerDestroyRequest(room, options));
  if (answer.attrs.type !== "error") return "destroyed";
  const error = readStanzaError(answer);
  if (error.condition === "item-not-found") return "not-found";
  if (error.condition === "forbidden") return "refused";
  throw roomFailure(error, room, { message: `${room} refused to be destroyed` });
}

/**
 * Where the server has no muc#destroy command (ejabberd: a server admin is an owner of every room),
 * the owner's destroy of each room that exists: ejabberd answers it with a result even for a room
 * that never existed, so disco#info tells first. Returns the rooms destroyed.
 */
async function destroyEachAsOwner(session: XmppSession, rooms: string[], options: { reason?: string; alternate?: string }): Promise<string[]> {
  const absent = await Promise.all(rooms.map((room) => roomGone(session, room)));
  const existing = rooms.filter((_, index) => !absent[index]);
  const outcomes = await Promise.all(existing.map((room) => destroyAsOwner(session, room, options)));
  const refused = existing.filter((_, index) => outcomes[index] === "refused");
  if (refused.length > 0) {
    throw new XmgrError("refused", `${refused.join(", ")} refused to be destroyed by ${session.account} (forbidden): the server takes it only from an owner of the room.`);
  }
  return existing.filter((_, index) => outcomes[index] === "destroyed");
}

export default defineCommand<{ rooms: string[] }, DestroyOptions>({
  section: "muc",
  name: "destroy",
  summary: "destroy rooms: occupants are removed, the rooms and their settings deleted",
  details:
    "Server admins: on Prosody, uses the MUC service's ad-hoc command muc#destroy, which works in every room without joining; " +
    "elsewhere (ejabberd, where a server admin owns every room) the owner's destroy (XEP-0045) of each room that exists, with --reason and --alternate. " +
    "Occupants receive an unavailable presence with <destroy/>. --reason and --alternate go with the owner's destroy (XEP-0045), which Prosody accepts from a server admin only where the component sets component_admins_as_room_owners = true; " +
    "elsewhere the rooms are destroyed without them, with a warning. Unknown rooms are reported (exit 4) after the others are destroyed.",
  args: [{ name: "rooms", kind: "room", variadic: true, help: "the rooms' JIDs, e.g. old@chat.example.com" }],
  options: [
    { long: "--reason", value: "TEXT", help: "why; occupants see it (needs component_admins_as_room_owners)" },
    { long: "--alternate", value: "ROOM", help: "the room occupants are pointed to instead (needs component_admins_as_room_owners)" },
  ],
  examples: ["xmgr muc destroy old@chat.example.com --yes", "xmgr muc destroy old@rooms.example.com --reason 'Moved' --alternate new@rooms.example.com"],
  transport: "xmpp",
  batch: "write",
  check: (args) => `xmgr muc info ${args.rooms.join(" / ")} (exit 4: no such room)`,
  verify: ({ sessions }, { rooms: roomTexts }) =>
    sessions.fresh(async ({ session }) => {
      const rooms = unique(roomTexts.map((room) => parseRoom(room)));
      const gone = await Promise.all(rooms.map((room) => roomGone(session, room)));
      return verdictOver(rooms, gone, { done: "gone", notDone: "still there" });
    }),
  destructive: ({ rooms }) => {
    const jids = unique(rooms.map((room) => parseRoom(room)));
    return {
      action: `Destroy ${jids.join(", ")}: occupants are removed, and the room${jids.length === 1 ? "" : "s"} with settings, affiliations and history deleted`,
      typeToConfirm: jids.length === 1 ? jids[0] : `${jids.length} rooms`,
    };
  },
  async run({ sessions, output }, { rooms: roomTexts }, options) {
    const rooms = unique(roomTexts.map((room) => parseRoom(room)));
    const alternate = options.alternate === undefined ? undefined : parseRoom(options.alternate, "alternate room JID");
    const reason = checkReason(options.reason);
    const destroyed: string[] = [];
    const withoutReason: string[] = [];
    await sessions.use(async ({ session, dialect }) => {
      if ((await dialect()).mucAdmin === "xep0045") {
        destroyed.push(...(await destroyEachAsOwner(session, rooms, { reason, alternate })));
        return;
      }
      let viaAdhoc = rooms;
      if (reason !== undefined || alternate !== undefined) {
        const outcomes = await Promise.all(rooms.map((room) => destroyAsOwner(session, room, { reason, alternate })));
        destroyed.push(...rooms.filter((_, index) => outcomes[index] === "destroyed"));
        viaAdhoc = rooms.filter((_, index) => outcomes[index] === "refused");
        withoutReason.push(...viaAdhoc);
      }
      for (const service of unique(viaAdhoc.map(serviceOf))) {
        const gone = await destroyWithAdhoc(session, service, viaAdhoc.filter((room) => serviceOf(room) === service));
        destroyed.push(...gone);
      }
    });
    const notFound = rooms.filter((room) => !destroyed.includes(room));
    const ordered = rooms.filter((room) => destroyed.includes(room));
    const lost = withoutReason.filter((room) => destroyed.includes(room));
    if (lost.length > 0) {
      output.warn(
        `${lost.join(", ")} ${lost.length === 1 ? "was" : "were"} destroyed without the reason and alternate room: the server takes those from a server admin only with component_admins_as_room_owners.`,
      );
    }
    if (ordered.length === 0) {
      throw new XmgrError("notFound", `There is no room ${notFound.join(", ")}; nothing was destroyed.`, `List the rooms with: xmgr muc list --all ${serviceOf(rooms[0])}`);
    }
    if (output.json) output.jsonData({ destroyed: ordered, notFound });
    else output.ok(`Destroyed ${ordered.join(", ")}`);
    if (notFound.length > 0) {
      output.fail(new XmgrError("notFound", `There is no room ${notFound.join(", ")}; the others were destroyed.`));
      return 4;
    }
  },
});
