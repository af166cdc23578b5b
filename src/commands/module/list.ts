// xmgr module list [HOST]: the modules loaded on a host (modules#list of mod_admin_adhoc), or on a
// host that has no mod_admin_adhoc (a component) or the global section ('*'), through xmgr's
// mod_admin_hosts at the login host, as prosodyctl shell module:list(host) shows them.
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { fieldValues } from "../../protocol/data-form.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { hostOrLogin } from "../host-or-login.js";
import { HOSTS_MODULE_SECTION, HostsModuleMissing, lines, runHostsCommand } from "../hosts-module.js";
import { needsAdmin } from "../refusal-texts.js";

export default defineCommand<{ host?: string }>({
  section: "module",
  name: "list",
  summary: "list the modules loaded on a host, a component or globally ('*'), sorted",
  details:
    "Your host's through mod_admin_adhoc (a server admin). Another host, a component (which has no mod_admin_adhoc) or '*' (the global modules) " +
    `through xmgr's module mod_admin_hosts on your host (${HOSTS_MODULE_SECTION}; the operator role); without it, another host is asked directly.`,
  args: [{ name: "host", kind: "host", optional: true, help: "the host or component, or '*' for the global modules (default: your account's host)" }],
  examples: ["xmgr module list", "xmgr module list chat.example.com", "xmgr module list '*'", "xmgr --json module list | jq -r '.modules[]'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { host }) {
    const global = host === "*";
    const hostFor = hostOrLogin(global ? undefined : host);
    const [to, modules] = await sessions.use(async ({ session, login, account }) => {
      const to = global ? "*" : hostFor(login);
      if (to !== login.domain) {
        try {
          const what = global ? "list the global modules" : `list the modules of ${to}`;
          const answer = await runHostsCommand({ session, at: login.domain, account, what }, KNOWN_COMMANDS.anyHostModulesList, { host: [to] });
          return [to, lines(answer, "modules").sort()] as const;
        } catch (error) {
          if (global || !(error instanceof HostsModuleMissing)) throw error;
        }
      }
      const answer = await runAdhoc(session, { to, ...KNOWN_COMMANDS.modulesList, forbidden: needsAdmin(account, "list the modules") });
      const values = fieldValues(answer.form?.fields ?? [], "modules") ?? [];
      return [to, values.flatMap((value) => value.split("\n")).map((name) => name.trim()).filter(Boolean).sort()] as const;
    });
    if (output.json) {
      output.jsonData({ host: to, modules });
      return;
    }
    output.table([{ title: "Module", cell: (name: string) => name }], modules);
    output.ok(`${modules.length} module${modules.length === 1 ? "" : "s"} loaded ${to === "*" ? "globally" : `on ${to}`}`);
  },
});
