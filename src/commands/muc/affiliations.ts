// xmgr muc affiliations ROOM [FILTER]: a room's owners, admins, members and outcasts (XEP-0045
// admin lists). Prosody shows them to room owners and admins; a server admin counts as an owner
// only where the MUC component sets component_admins_as_room_owners = true.
import { XmgrError } from "../../errors.js";
import { AFFILIATION_LISTS, type ListedAffiliation } from "../../protocol/muc.js";
import { defineCommand } from "../define.js";
import { adminsAsOwnersHint, parseRoom, readAffiliations, serviceOf } from "./rooms.js";

export default defineCommand<{ room: string; filter?: string }>({
  section: "muc",
  name: "affiliations",
  summary: "list a room's owners, admins, members and outcasts",
  details:
    "FILTER is, as in prosodyctl shell muc:affiliations(room, filter), an affiliation (owner, admin, member, outcast: that list only) or else a part of the JIDs to keep (as written, case-sensitive). " +
    "Prosody shows these lists to the room's owners and admins. A server admin counts as a room owner only where the MUC component sets component_admins_as_room_owners = true; elsewhere xmgr says so (exit 5).",
  args: [
    { name: "room", kind: "room", help: "the room's JID, e.g. lobby@chat.example.com" },
    { name: "filter", kind: "word", optional: true, help: "an affiliation (owner, admin, member, outcast) or a part of the JIDs to keep" },
  ],
  examples: ["xmgr muc affiliations lobby@chat.example.com", "xmgr muc affiliations lobby@chat.example.com outcast", "xmgr muc affiliations lobby@chat.example.com @example.org"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { room: roomText, filter }) {
    const room = parseRoom(roomText);
    const wanted = filter !== undefined && (AFFILIATION_LISTS as readonly string[]).includes(filter.toLowerCase()) ? (filter.toLowerCase() as ListedAffiliation) : undefined;
    const part = wanted === undefined ? filter : undefined;
    const lists = wanted ? [wanted] : AFFILIATION_LISTS;
    const [listed, account, onProsody] = await sessions.use(async ({ session, account, dialect }) => {
      const listed = await readAffiliations(session, room, lists);
      // Prosody's setting is named only where the server is Prosody (asked only on a refusal).
      return [listed, account, listed === "refused" && (await dialect()).mucAdmin === "adhoc"] as const;
    });
    if (listed === "refused" && !onProsody) {
      throw new XmgrError("refused", `${serviceOf(room)} does not show ${room}'s affiliations to ${account}: only the room's owners and admins see them.`);
    }
    if (listed === "refused") {
      throw new XmgrError(
        "refused",
        `${serviceOf(room)} does not show ${room}'s affiliations to ${account}: only the room's owners and admins see them, and a server admin counts as an owner only with component_admins_as_room_owners.`,
        adminsAsOwnersHint(serviceOf(room)),
      );
    }
    const items = part === undefined ? listed : listed.filter((item) => item.jid.includes(part));
    if (output.json) {
      output.jsonData({ room, affiliations: items });
      return;
    }
    if (items.length === 0) {
      output.ok(`No ${wanted ? `${wanted}s` : "owners, admins, members or outcasts"}${part === undefined ? "" : ` whose JID holds ${JSON.stringify(part)}`} in ${room}`);
      return;
    }
    output.table(
      [
        { title: "JID", cell: (item) => item.jid },
        { title: "Affiliation", cell: (item) => item.affiliation },
        { title: "Nickname", cell: (item) => item.nick ?? "" },
        { title: "Reason", cell: (item) => item.reason ?? "" },
      ],
      items,
    );
    output.ok(
      part === undefined
        ? `${items.length} affiliation${items.length === 1 ? "" : "s"} in ${room}`
        : `${items.length} out of ${listed.length} affiliations in ${room} listed`,
    );
  },
});
