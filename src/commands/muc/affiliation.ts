// xmgr muc affiliation ROOM JID AFFILIATION: set an account's affiliation with a room
// (muc#set-affiliation). Prosody would take a room's only owner away: xmgr asks first.
import { bare, parseBareJid } from "../../jid.js";
import { MUC_AFFILIATIONS } from "../../protocol/admin-forms.js";
import { defineCommand } from "../define.js";
import { YES_ANYWAY, guardLastOwner, parseAffiliation, parseRoom, setAffiliation } from "./rooms.js";

export default defineCommand<{ room: string; jid: string; affiliation: string }, { yes?: boolean }>({
  section: "muc",
  name: "affiliation",
  summary: "make an account owner, admin, member, none or outcast of a room",
  details:
    "Uses the MUC service's ad-hoc command muc#set-affiliation (server admins; no need to join); on ejabberd, the plain XEP-0045 muc#admin set. " +
    "Prosody lets it take a room's only owner away, after which nobody can configure the room: where xmgr can read the owner list (component_admins_as_room_owners) it asks first, and refuses without a terminal unless --yes is given; elsewhere it warns that it could not check.",
  args: [
    { name: "room", kind: "room", help: "the room's JID, e.g. lobby@chat.example.com" },
    { name: "jid", kind: "jid", help: "the account, e.g. alice@example.com" },
    { name: "affiliation", kind: "word", choices: MUC_AFFILIATIONS, help: "owner, admin, member, none or outcast" },
  ],
  options: [YES_ANYWAY],
  examples: ["xmgr muc affiliation lobby@chat.example.com alice@example.com owner", "xmgr muc affiliation lobby@chat.example.com bob@example.com member"],
  transport: "xmpp",
  batch: "write",
  check: (args) => `xmgr muc affiliations ${args.room}`,
  async run({ sessions, output, prompts }, { room: roomText, jid: jidText, affiliation: affiliationText }, { yes = false }) {
    const room = parseRoom(roomText);
    const jid = bare(parseBareJid(jidText, "JID")).toLowerCase();
    const affiliation = parseAffiliation(affiliationText);
    const commandLine = `xmgr muc affiliation ${room} ${jid} ${affiliation}`;
    await sessions.use(async ({ session, dialect }) => {
      const serverDialect = await dialect();
      await guardLastOwner({ session, output, prompts, yes, commandLine, dialect: serverDialect }, room, jid, affiliation);
      await setAffiliation(session, serverDialect, room, jid, affiliation);
    });
    if (output.json) {
      output.jsonData({ room, jid, affiliation });
      return;
    }
    output.ok(`${jid} is now ${affiliation} in ${room}`);
  },
});
