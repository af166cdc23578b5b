// xmgr config reload: has the server read its configuration file again (config#reload).
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { infoText, runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { needsOperator } from "../refusal-texts.js";

export default defineCommand({
  section: "config",
  name: "reload",
  summary: "have the server read its configuration again",
  details: "Modules may need a reload (xmgr module reload) for a change to take effect. Needs the operator role.",
  args: [],
  examples: ["xmgr config reload", "xmgr config reload && xmgr module reload tls"],
  transport: "xmpp",
  batch: "write",
  async run({ sessions, output }) {
    const [host, said] = await sessions.use(async ({ session, login, account }) => {
      const answer = await runAdhoc(session, { to: login.domain, ...KNOWN_COMMANDS.configReload, forbidden: needsOperator(account, "reload the configuration") });
      return [login.domain, infoText(answer)] as const;
    });
    if (output.json) {
      output.jsonData({ host, reloaded: true, serverSays: said });
      return;
    }
    output.ok(said || "Configuration reloaded");
  },
});
