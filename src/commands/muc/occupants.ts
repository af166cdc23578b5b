// xmgr muc occupants ROOM [FILTER]: who is in a room, with role, JID and nick, as prosodyctl shell
// muc:occupants(room, filter). Over XEP-0045 role lists, which Prosody shows to moderators: a
// server admin is one without joining only where the component sets component_admins_as_room_owners.
import { XmgrError } from "../../errors.js";
import { OCCUPANT_ROLES, occupantFilter, parseRoleLists, roleListRequest, sortOccupants, type Occupant } from "../../protocol/muc-occupants.js";
import { readStanzaError } from "../../protocol/stanza-error.js";
import { defineCommand } from "../define.js";
import { adminsAsOwnersHint, parseRoom, roomFailure, serviceOf } from "./rooms.js";

export default defineCommand<{ room: string; filter?: string }>({
  section: "muc",
  name: "occupants",
  summary: "list who is in a room: role, JID, nick",
  details:
    "FILTER is, as in prosodyctl shell muc:occupants(room, filter), a role (moderator, participant, visitor) or else a part of the nicks to keep. " +
    "Prosody shows the occupants to the room's moderators; a server admin is one without joining only where the MUC component sets component_admins_as_room_owners = true; elsewhere xmgr says so (exit 5).",
  args: [
    { name: "room", kind: "room", help: "the room's JID, e.g. lobby@chat.example.com" },
    { name: "filter", kind: "word", optional: true, help: "a role (moderator, participant, visitor) or a part of the nicks to keep" },
  ],
  examples: ["xmgr muc occupants lobby@chat.example.com", "xmgr muc occupants lobby@chat.example.com moderator", "xmgr --json muc occupants lobby@chat.example.com | jq -r '.occupants[].nick'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { room: roomText, filter }) {
    const room = parseRoom(roomText);
    const [all, account, onProsody] = await sessions.use(async ({ session, account, dialect }) => {
      const answers = await Promise.all(OCCUPANT_ROLES.map((role) => session.request(roleListRequest(room, role))));
      const failed = answers.find((answer) => answer.attrs.type === "error");
      if (failed) {
        const error = readStanzaError(failed);
        // Prosody's setting is named only where the server is Prosody (asked only on a refusal).
        if (error.condition === "forbidden") return ["refused", account, (await dialect()).mucAdmin === "adhoc"] as const;
        throw roomFailure(error, room, { message: `${serviceOf(room)} refused to list ${room}'s occupants` });
      }
      return [sortOccupants(parseRoleLists(answers)), account, true] as const;
    });
    if (all === "refused" && !onProsody) {
      throw new XmgrError("refused", `${serviceOf(room)} does not show ${room}'s occupants to ${account}: only the room's moderators see them.`);
    }
    if (all === "refused") {
      throw new XmgrError(
        "refused",
        `${serviceOf(room)} does not show ${room}'s occupants to ${account}: only the room's moderators see them, and a server admin is one without joining only with component_admins_as_room_owners.`,
        adminsAsOwnersHint(serviceOf(room)),
      );
    }
    const shown = filter === undefined ? all : all.filter(occupantFilter(filter));
    if (output.json) {
      output.jsonData({ room, total: all.length, occupants: shown });
      return;
    }
    if (shown.length > 0) {
      output.table(
        [
          { title: "Role", cell: (row: Occupant) => row.role },
          { title: "JID", cell: (row: Occupant) => row.jid ?? "" },
          { title: "Nickname", cell: (row: Occupant) => row.nick },
        ],
        shown,
      );
    }
    const total = `${all.length} occupant${all.length === 1 ? "" : "s"}`;
    output.ok(shown.length === all.length ? `${total} in ${room}` : `${shown.length} out of ${total} in ${room} listed`);
  },
});
