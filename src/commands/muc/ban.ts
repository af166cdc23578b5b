// xmgr muc ban ROOM JID [REASON]: make an account an outcast of a room (the MUC service's
// muc#set-affiliation ad-hoc command on Prosody, the muc#admin set elsewhere: no join needed).
// An occupant with that JID is removed at once with status 301 and cannot join again.
import { bare, parseBareJid } from "../../jid.js";
import { defineCommand } from "../define.js";
import { checkReason } from "./kick.js";
import { YES_ANYWAY, guardLastOwner, parseRoom, setAffiliation } from "./rooms.js";

export default defineCommand<{ room: string; jid: string; reason?: string }, { yes?: boolean }>({
  section: "muc",
  name: "ban",
  summary: "ban an account from a room (it is removed at once if present)",
  details:
    "On Prosody, uses the MUC service's ad-hoc command muc#set-affiliation (server admins; no need to join, works without component_admins_as_room_owners); " +
    "on ejabberd, which makes a server admin an owner of every room, the plain XEP-0045 muc#admin set. " +
    "An occupant with that JID receives an unavailable presence with status 301 and the reason, and cannot rejoin until unbanned. " +
    "Banning the room's only owner needs confirmation (or --yes) where xmgr can read the owner list.",
  args: [
    { name: "room", kind: "room", help: "the room's JID, e.g. lobby@chat.example.com" },
    { name: "jid", kind: "jid", help: "the account to ban, e.g. spammer@example.com" },
    { name: "reason", kind: "text", optional: true, help: "why; the occupant and the room's owners see it" },
  ],
  options: [YES_ANYWAY],
  examples: ["xmgr muc ban lobby@chat.example.com spammer@example.com 'Spamming'"],
  transport: "xmpp",
  batch: "write",
  check: (args) => `xmgr muc affiliations ${args.room}`,
  async run({ sessions, output, prompts }, { room: roomText, jid: jidText, reason: reasonText }, { yes = false }) {
    const room = parseRoom(roomText);
    const jid = bare(parseBareJid(jidText, "JID to ban")).toLowerCase();
    const reason = checkReason(reasonText);
    const commandLine = `xmgr muc ban ${room} ${jid}${reason ? " REASON" : ""}`;
    await sessions.use(async ({ session, dialect }) => {
      const serverDialect = await dialect();
      await guardLastOwner({ session, output, prompts, yes, commandLine, dialect: serverDialect }, room, jid, "outcast");
      await setAffiliation(session, serverDialect, room, jid, "outcast", reason);
    });
    if (output.json) {
      output.jsonData({ room, jid, affiliation: "outcast", ...(reason && { reason }) });
      return;
    }
    output.ok(`Banned ${jid} from ${room}`);
  },
});
