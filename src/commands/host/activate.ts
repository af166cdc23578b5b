// xmgr host activate HOST: starts serving a host or component again (hosts#activate, operator
// role). Prosody 13 activates any name, also one its configuration does not hold (it becomes a
// live host with the global settings), so xmgr warns first when the server does not list HOST.
import { XmgrError } from "../../errors.js";
import { parseHost } from "../../jid.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { discoItemsRequest, parseDiscoItems } from "../../protocol/disco.js";
import { infoText, runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { needsOperator } from "../refusal-texts.js";

export default defineCommand<{ host: string }>({
  section: "host",
  name: "activate",
  summary: "start serving a host or component that was deactivated",
  details:
    "Prosody 13 activates any name, even one missing from its configuration: xmgr warns when the server does not list HOST now (a deactivated component is not listed either). Needs the operator role.",
  args: [{ name: "host", kind: "host", help: "the host or component, e.g. chat.example.com" }],
  examples: ["xmgr host activate chat.example.com"],
  transport: "xmpp",
  batch: "alone",
  async run({ sessions, output }, { host: hostText }) {
    const host = parseHost(hostText);
    const said = await sessions.use(async ({ session, login, account }) => {
      const listed = host === login.domain || parseDiscoItems(await session.request(discoItemsRequest(login.domain)), login.domain).some((item) => item.jid === host);
      if (!listed) {
        output.warn(
          `${login.domain} does not list ${host} now, so xmgr cannot tell whether its configuration holds it; Prosody activates any name, a mistyped one too (undo: xmgr host deactivate ${host} --yes).`,
        );
      }
      const answer = await runAdhoc(session, {
        to: login.domain,
        ...KNOWN_COMMANDS.hostsActivate,
        values: { host: [host] },
        forbidden: needsOperator(account, "activate hosts"),
        // Prosody 13.0.1 sends its reason as an empty note; its only reason to refuse is a host already active.
        errorNote: (text) => new XmgrError("failure", text || `${host} is already active (the server gave no reason; that is the only one Prosody 13 has).`),
      });
      return infoText(answer);
    });
    if (output.json) {
      output.jsonData({ host, active: true, serverSays: said });
      return;
    }
    output.ok(said || `${host} activated`);
  },
});
