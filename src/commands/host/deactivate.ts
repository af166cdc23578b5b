// xmgr host deactivate HOST: stops serving a host or component (hosts#deactivate, operator role):
// its users are disconnected and it answers nothing until activated again.
import { XmgrError } from "../../errors.js";
import { parseHost } from "../../jid.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { infoText, runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { needsOperator } from "../refusal-texts.js";

export default defineCommand<{ host: string }>({
  section: "host",
  name: "deactivate",
  summary: "stop serving a host or component, disconnecting its users",
  details: "It stays configured: xmgr host activate HOST brings it back (a restart does too). Needs the operator role.",
  args: [{ name: "host", kind: "host", help: "the host or component, e.g. chat.example.com" }],
  examples: ["xmgr host deactivate chat.example.com", "xmgr host deactivate old.example.com --yes"],
  transport: "xmpp",
  batch: "alone",
  destructive: ({ host }) => ({ action: `Deactivate ${parseHost(host)}: its users are disconnected and it serves nothing until activated again` }),
  async run({ sessions, output }, { host: hostText }) {
    const host = parseHost(hostText);
    const said = await sessions.use(async ({ session, login, account }) => {
      const answer = await runAdhoc(session, {
        to: login.domain,
        ...KNOWN_COMMANDS.hostsDeactivate,
        values: { host: [host] },
        forbidden: needsOperator(account, "deactivate hosts"),
        // Prosody 13.0.1 sends its reason as an empty note; its only reason to refuse is a host that is not active.
        errorNote: (text) =>
          new XmgrError("notFound", text || `${host} is not active on this server (already deactivated, or not a host of it); the server gave no reason.`, "See the active hosts with: xmgr host list"),
      });
      return infoText(answer);
    });
    if (output.json) {
      output.jsonData({ host, active: false, serverSays: said });
      return;
    }
    output.ok(said || `${host} deactivated`);
  },
});
