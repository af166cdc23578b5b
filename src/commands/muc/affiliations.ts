// xmgr muc affiliations ROOM [AFFILIATION]: a room's owners, admins, members and outcasts (XEP-0045
// admin lists). Prosody shows them to room owners and admins; a server admin counts as an owner
// only where the MUC component sets component_admins_as_room_owners = true.
import { XmgrError } from "../../errors.js";
import { AFFILIATION_LISTS, type ListedAffiliation } from "../../protocol/muc.js";
import { renderTable } from "../../output/table.js";
import { defineCommand } from "../define.js";
import { adminsAsOwnersHint, parseRoom, readAffiliations, serviceOf } from "./rooms.js";

export default defineCommand<{ room: string; affiliation?: string }>({
  section: "muc",
  name: "affiliations",
  summary: "list a room's owners, admins, members and outcasts",
  details:
    "Prosody shows these lists to the room's owners and admins. A server admin counts as a room owner only where the MUC component sets component_admins_as_room_owners = true; elsewhere xmgr says so (exit 5).",
  args: [
    { name: "room", kind: "room", help: "the room's JID, e.g. lobby@chat.example.com" },
    { name: "affiliation", kind: "word", optional: true, choices: AFFILIATION_LISTS, help: "only this list: owner, admin, member or outcast" },
  ],
  examples: ["xmgr muc affiliations lobby@chat.example.com", "xmgr muc affiliations lobby@chat.example.com outcast"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { room: roomText, affiliation }) {
    const room = parseRoom(roomText);
    const wanted = affiliation?.toLowerCase();
    if (wanted !== undefined && !(AFFILIATION_LISTS as readonly string[]).includes(wanted)) {
      throw new XmgrError("usage", `Invalid affiliation ${JSON.stringify(affiliation)}: use one of ${AFFILIATION_LISTS.join(", ")}.`);
    }
    const lists = wanted ? [wanted as ListedAffiliation] : AFFILIATION_LISTS;
    const [items, account] = await sessions.use(async ({ session, account }) => [await readAffiliations(session, room, lists), account] as const);
    if (items === "refused") {
      throw new XmgrError(
        "refused",
        `${serviceOf(room)} does not show ${room}'s affiliations to ${account}: only the room's owners and admins see them, and a server admin counts as an owner only with component_admins_as_room_owners.`,
        adminsAsOwnersHint(serviceOf(room)),
      );
    }
    if (output.json) {
      output.jsonData({ room, affiliations: items });
      return;
    }
    if (items.length === 0) {
      output.ok(`No ${wanted ? `${wanted}s` : "owners, admins, members or outcasts"} in ${room}`);
      return;
    }
    output.data(
      renderTable(
        [
          { title: "JID", cell: (item) => item.jid },
          { title: "Affiliation", cell: (item) => item.affiliation },
          { title: "Nickname", cell: (item) => item.nick ?? "" },
          { title: "Reason", cell: (item) => item.reason ?? "" },
        ],
        items,
        output.paint,
      ),
    );
    output.ok(`${items.length} affiliation${items.length === 1 ? "" : "s"} in ${room}`);
  },
});
