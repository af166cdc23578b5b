// xmgr invite create_reset JID: an invite that lets an account set a new password
// (mod_invites_adhoc#password-reset). Prosody issues one for any name, so xmgr checks first
// (admin#user-stats) that the account exists.
import { bare, parseBareJid } from "../../jid.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { userStats } from "../user/admin-accounts.js";
import { printInvite, readInvite } from "./invite-result.js";

export default defineCommand<{ jid: string }>({
  section: "invite",
  name: "create_reset",
  aliases: ["create-reset"],
  summary: "create an invite that lets an account set a new password",
  details: "An unknown account is exit 4. Needs mod_invites, mod_invites_adhoc and mod_admin_adhoc, and a server admin.",
  args: [{ name: "jid", kind: "account", help: "the account, e.g. alice@example.com" }],
  examples: ["xmgr invite create_reset alice@example.com", "xmgr --json invite create_reset alice@example.com | jq -r .uri"],
  transport: "xmpp",
  batch: "write",
  async run({ sessions, output }, { jid }) {
    const target = parseBareJid(jid, "account JID");
    const account = bare(target);
    const answer = await sessions.use(async ({ session }) => {
      await userStats(session, target);
      return runAdhoc(session, { to: target.domain, ...KNOWN_COMMANDS.invitePasswordReset, values: { accountjid: [account] } });
    });
    printInvite(output, readInvite(answer), { jid: account }, `Password reset invite for ${account}`);
  },
});
