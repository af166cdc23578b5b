// xmgr invite create_account [HOST]: an invite to register a new account (urn:xmpp:invite#create-account).
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { hostOrLogin } from "../host-or-login.js";
import { printInvite, readInvite } from "./invite-result.js";

export default defineCommand<{ host?: string }>({
  section: "invite",
  name: "create_account",
  aliases: ["create-account"],
  summary: "create an invite to register a new account (default: on your host)",
  details: "Prints the invite's xmpp: URI (and its web page when mod_invites_page is set up). Needs mod_invites and mod_invites_adhoc, and a server admin.",
  args: [{ name: "host", kind: "host", optional: true, help: "the host the account will be on; default: your host" }],
  examples: ["xmgr invite create_account", "xmgr invite create_account example.com", "xmgr --json invite create_account | jq -r .uri"],
  transport: "xmpp",
  batch: "write",
  async run({ sessions, output }, { host }) {
    const hostFor = hostOrLogin(host);
    const [to, answer] = await sessions.use(async ({ session, login }) => {
      const to = hostFor(login);
      return [to, await runAdhoc(session, { to, ...KNOWN_COMMANDS.inviteCreateAccount })] as const;
    });
    printInvite(output, readInvite(answer), { host: to }, `Invite to create an account on ${to}`);
  },
});
