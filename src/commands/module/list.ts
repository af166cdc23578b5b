// xmgr module list [HOST]: the modules loaded on a host (modules#list of mod_admin_adhoc).
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { fieldValues } from "../../protocol/data-form.js";
import { renderTable } from "../../output/table.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { hostOrLogin } from "../host-or-login.js";
import { needsAdmin } from "../refusal-texts.js";

export default defineCommand<{ host?: string }>({
  section: "module",
  name: "list",
  summary: "list the modules loaded on a host, sorted",
  details: "Needs a server admin (mod_admin_adhoc on the host).",
  args: [{ name: "host", kind: "host", optional: true, help: "the host (default: your account's host)" }],
  examples: ["xmgr module list", "xmgr --json module list | jq -r '.modules[]'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { host }) {
    const hostFor = hostOrLogin(host);
    const [to, modules] = await sessions.use(async ({ session, login, account }) => {
      const to = hostFor(login);
      const answer = await runAdhoc(session, { to, ...KNOWN_COMMANDS.modulesList, forbidden: needsAdmin(account, "list the modules") });
      const values = fieldValues(answer.form?.fields ?? [], "modules") ?? [];
      return [to, values.flatMap((value) => value.split("\n")).map((name) => name.trim()).filter(Boolean).sort()] as const;
    });
    if (output.json) {
      output.jsonData({ host: to, modules });
      return;
    }
    output.data(renderTable([{ title: "Module", cell: (name: string) => name }], modules, output.paint));
    output.ok(`${modules.length} module${modules.length === 1 ? "" : "s"} loaded on ${to}`);
  },
});
