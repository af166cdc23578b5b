// xmgr muc info ROOM: what a room's disco#info tells anyone, hidden rooms included.
import { XmgrError } from "../../errors.js";
import { discoInfoRequest, parseDiscoInfo, roomInfo, type RoomInfo } from "../../protocol/muc.js";
import { readStanzaError } from "../../protocol/stanza-error.js";
import { defineCommand } from "../define.js";
import { parseRoom, roomFailure } from "./rooms.js";

const yesNo = (value: boolean) => (value ? "yes" : "no");
const WHO_SEES_JIDS = { semi: "moderators", non: "anyone", full: "nobody" } as const;

export function infoRows(room: string, info: RoomInfo): { field: string; value: string }[] {
  return [
    { field: "Room", value: room },
    { field: "Name", value: info.name ?? "" },
    { field: "Description", value: info.description ?? "" },
    { field: "Occupants", value: info.occupants === undefined ? "" : String(info.occupants) },
    { field: "Public", value: yesNo(info.public) },
    { field: "Persistent", value: yesNo(info.persistent) },
    { field: "Members only", value: yesNo(info.membersOnly) },
    { field: "Moderated", value: yesNo(info.moderated) },
    { field: "Password", value: yesNo(info.passwordProtected) },
    { field: "Real JIDs seen by", value: info.anonymity ? WHO_SEES_JIDS[info.anonymity] : "" },
    { field: "Language", value: info.language ?? "" },
  ];
}

export default defineCommand<{ room: string }>({
  section: "muc",
  name: "info",
  summary: "show a room's name, description, settings and occupant count",
  details: "Reads the room's disco#info, which Prosody answers for anyone, hidden rooms included; no need to join.",
  args: [{ name: "room", kind: "room", help: "the room's JID, e.g. lobby@chat.example.com" }],
  examples: ["xmgr muc info lobby@chat.example.com", "xmgr --json muc info lobby@chat.example.com | jq .occupants"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { room: roomText }) {
    const room = parseRoom(roomText);
    const info = await sessions.use(async ({ session }) => {
      const answer = await session.request(discoInfoRequest(room));
      if (answer.attrs.type === "error") throw roomFailure(readStanzaError(answer), room, { message: `${room} refused to describe itself` });
      const disco = parseDiscoInfo(answer);
      if (!disco.identities.some((identity) => identity.category === "conference")) {
        throw new XmgrError("notFound", `${room} is not a room: it does not say it is one (disco#info identity conference).`);
      }
      return roomInfo(disco);
    });
    if (output.json) {
      output.jsonData({ room, ...info });
      return;
    }
    output.table([{ title: "Field", cell: (row) => row.field }, { title: "Value", cell: (row) => row.value }], infoRows(room, info));
  },
});
