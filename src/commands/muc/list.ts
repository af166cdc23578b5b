// xmgr muc list [SERVICE] [--all]: the rooms of a MUC service. Prosody's disco#items lists public rooms
// only (rooms are hidden by default in Prosody 13); --all takes the room list of the service's
// muc#destroy ad-hoc command form, which names every room, and cancels that command at once.
import { XmgrError } from "../../errors.js";
import { parseHost } from "../../jid.js";
import { checkCommandAnswer, commandsDiscoRequest, execute, parseCommandAnswer, parseCommandList } from "../../protocol/adhoc.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { destroyFormRooms, discoInfoRequest, discoItemsRequest, parseDiscoInfo, parseDiscoItems, roomInfo, type RoomInfo } from "../../protocol/muc.js";
import { readStanzaError } from "../../protocol/stanza-error.js";
import type { XmppSession } from "../../xmpp/session.js";
import { cancelQuietly } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { mucService, serviceFailure } from "./rooms.js";

interface ListedRoom {
  jid: string;
  name?: string;
  occupants?: number;
  public?: boolean;
}

/** disco#info requests in flight at once: enough to hide the round trips, few enough for a big service. */
const INFO_BATCH = 32;

/** ejabberd names a room in disco#items "Name (N)" or "Name (private, N)" (N occupants): the name without that count. */
const withoutEjabberdCount = (name: string) => name.replace(/ \((?:private, )?\d+\)$/, "");

async function listedRooms(session: XmppSession, service: string): Promise<{ jid: string; name?: string }[]> {
  const answer = await session.request(discoItemsRequest(service));
  if (answer.attrs.type === "error") throw serviceFailure(readStanzaError(answer), service);
  return parseDiscoItems(answer).filter((item) => item.jid.includes("@"));
}

/**
 * Whether the account is a server admin of `host`, as its ad-hoc command list shows (ejabberd lists
 * the XEP-0133 commands to admins only); false where the list cannot be read.
 */
async function listsAdminCommands(session: XmppSession, host: string): Promise<boolean> {
  const answer = await session.request(commandsDiscoRequest(host));
  if (answer.attrs.type !== "result") return false;
  try {
    return parseCommandList(answer).some((item) => item.node.startsWith("http://jabber.org/protocol/admin#"));
  } catch {
    return false;
  }
}

/** Every room, from the muc#destroy form's options; the command is cancelled, never submitted. */
async function allRooms(session: XmppSession, service: string): Promise<{ jid: string }[]> {
  const { node } = KNOWN_COMMANDS.mucDestroy;
  const context = { to: service, node, forbidden: `${service} shows every room (hidden ones too) only to server admins: --all reads the room list of its muc#destroy command, destroying nothing.` };
  const answer = checkCommandAnswer(parseCommandAnswer(await session.request(execute(service, node))), context);
  await cancelQuietly(session, service, node, answer.sessionid);
  if (answer.status !== "executing" || !answer.form) {
    throw new XmgrError("failure", `${service} answered its muc#destroy command without the form that lists the rooms.`);
  }
  return destroyFormRooms(answer.form).map((jid) => ({ jid }));
}

/** Each room's disco#info; "gone" for a destroyed room that Prosody keeps as a tombstone. */
async function roomInfos(session: XmppSession, jids: string[]): Promise<(RoomInfo | "gone" | undefined)[]> {
  const infos: (RoomInfo | "gone" | undefined)[] = [];
  for (let start = 0; start < jids.length; start += INFO_BATCH) {
    const answers = await Promise.all(jids.slice(start, start + INFO_BATCH).map((jid) => session.request(discoInfoRequest(jid))));
    // A room that went away in between, or that does not answer, is listed without details.
    infos.push(
      ...answers.map((answer) =>
        answer.attrs.type === "result" ? roomInfo(parseDiscoInfo(answer)) : readStanzaError(answer).condition === "gone" ? ("gone" as const) : undefined,
      ),
    );
  }
  return infos;
}

export default defineCommand<{ service?: string }, { all?: boolean }>({
  section: "muc",
  name: "list",
  summary: "list the rooms of a MUC service (public ones; --all for every room)",
  details:
    "Without --all, only public rooms are listed (those disco#info calls public; Prosody 13 makes rooms hidden by default). " +
    "--all (server admins) lists every room, hidden ones too, with a Public column: on Prosody from the room list of the service's muc#destroy ad-hoc command, which it cancels at once (nothing is destroyed); " +
    "elsewhere from disco#items, which ejabberd fills with hidden rooms too for a server admin (for any other account xmgr says that hidden rooms may be missing). " +
    "Destroyed rooms whose names Prosody keeps reserved (tombstones) are left out. " +
    "Without SERVICE, the one MUC service your server lists in disco#items is used (several: name one).",
  args: [{ name: "service", kind: "host", optional: true, help: "the MUC service, e.g. chat.example.com (default: the one your server lists)" }],
  options: [{ long: "--all", help: "every room, hidden ones too (server admins; read from the muc#destroy form, nothing is destroyed)" }],
  examples: ["xmgr muc list", "xmgr muc list --all chat.example.com", "xmgr --json muc list --all chat.example.com | jq -r '.rooms[].jid'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { service: serviceText }, { all = false }) {
    const given = serviceText === undefined ? undefined : parseHost(serviceText, "MUC service");
    const { service, rooms, mayMissHidden } = await sessions.use(async ({ session, login, dialect }) => {
      const service = given ?? (await mucService(session, login.domain));
      const { mucAdmin, mucItemsShowHidden } = await dialect();
      const found: { jid: string; name?: string }[] = all && mucAdmin === "adhoc" ? await allRooms(session, service) : await listedRooms(session, service);
      const infos = await roomInfos(session, found.map((room) => room.jid));
      const rooms: ListedRoom[] = found.flatMap((room, index) => {
        const info = infos[index];
        if (info === "gone") return [];
        // A room without a name of its own (disco#info has none) is listed under its disco#items name.
        const name = info?.name ?? (room.name !== undefined && mucItemsShowHidden ? withoutEjabberdCount(room.name) : room.name);
        return [{
          jid: room.jid,
          ...(name !== undefined && { name }),
          ...(info?.occupants !== undefined && { occupants: info.occupants }),
          ...(info && { public: info.public }),
        }];
      });
      // disco#items may list hidden rooms to an admin (ejabberd): without --all, only the public ones are shown.
      // With --all, ejabberd's list holds the hidden rooms only for a server admin.
      const mayMissHidden = all && mucAdmin === "xep0045" && (!mucItemsShowHidden || !(await listsAdminCommands(session, login.domain)));
      return { service, rooms: all ? rooms : rooms.filter((room) => room.public !== false), mayMissHidden };
    });
    if (output.json) {
      // With --all only: without it, hidden rooms are left out by design ("all": false says so).
      output.jsonData({ service, all, ...(all && { hiddenMayBeMissing: mayMissHidden }), rooms });
      return;
    }
    const what = all ? "room" : "public room";
    const note = all
      ? mayMissHidden
        ? " (as its disco#items lists them to you: this server may leave hidden rooms out)"
        : ""
      : " (hidden rooms are not shown; --all lists every room)";
    if (rooms.length === 0) {
      output.ok(`No ${what}s on ${service}${note}`);
      return;
    }
    output.table(
      [
        { title: "Room", cell: (room: ListedRoom) => room.jid },
        { title: "Name", cell: (room: ListedRoom) => room.name ?? "" },
        { title: "Occupants", cell: (room: ListedRoom) => (room.occupants === undefined ? "" : String(room.occupants)) },
        ...(all ? [{ title: "Public", cell: (room: ListedRoom) => (room.public === undefined ? "" : room.public ? "yes" : "no") }] : []),
      ],
      rooms,
    );
    output.ok(`${rooms.length} ${what}${rooms.length === 1 ? "" : "s"} on ${service}${note}`);
  },
});
