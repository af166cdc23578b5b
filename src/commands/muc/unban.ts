// xmgr muc unban ROOM JID: take a ban back (affiliation none, with muc#set-affiliation).
import { XmgrError } from "../../errors.js";
import { bare, parseBareJid } from "../../jid.js";
import { defineCommand } from "../define.js";
import { parseRoom, readAffiliations, setAffiliation } from "./rooms.js";

export default defineCommand<{ room: string; jid: string }>({
  section: "muc",
  name: "unban",
  summary: "lift a ban: the account may join the room again",
  details:
    "Sets the affiliation to none with the MUC service's ad-hoc command muc#set-affiliation (on ejabberd, the plain XEP-0045 muc#admin set). " +
    "Where the server shows the room's outcasts (component_admins_as_room_owners), xmgr first checks that the account is banned and changes nothing if it is not; elsewhere it cannot check, and says so.",
  args: [
    { name: "room", kind: "room", help: "the room's JID, e.g. lobby@chat.example.com" },
    { name: "jid", kind: "jid", help: "the banned account" },
  ],
  examples: ["xmgr muc unban lobby@chat.example.com bob@example.com"],
  transport: "xmpp",
  batch: "write",
  check: (args) => `xmgr muc affiliations ${args.room}`,
  async run({ sessions, output }, { room: roomText, jid: jidText }) {
    const room = parseRoom(roomText);
    const jid = bare(parseBareJid(jidText, "JID to unban")).toLowerCase();
    await sessions.use(async ({ session, account, dialect }) => {
      const outcasts = await readAffiliations(session, room, ["outcast"]);
      if (outcasts !== "refused" && !outcasts.some((item) => item.jid.toLowerCase() === jid)) {
        throw new XmgrError("notFound", `${jid} is not banned from ${room}; nothing was changed.`, `See the bans with: xmgr muc affiliations ${room} outcast`);
      }
      await setAffiliation(session, await dialect(), room, jid, "none");
      if (outcasts === "refused") {
        output.warn(`Could not check that ${jid} was banned: the server does not show ${room}'s outcasts to ${account}. Its affiliation is none now, whatever it was.`);
      }
    });
    if (output.json) {
      output.jsonData({ room, jid, affiliation: "none" });
      return;
    }
    output.ok(`Unbanned ${jid} from ${room}`);
  },
});
