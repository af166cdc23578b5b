// xmgr module load MODULE [HOST] [--global]: loads a module on a host (modules#load), or on every
// host (modules#global-load, operator role).
import { XmgrError } from "../../errors.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { globalModuleOutcome, loadOutcome } from "../../protocol/module-outcome.js";
import { infoText, runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { HostsModuleMissing, runHostsCommand } from "../hosts-module.js";
import { needsAdmin, needsOperator } from "../refusal-texts.js";
import { moduleTarget } from "./module-words.js";
import { reportModules } from "./report.js";

interface LoadOptions {
  global?: boolean;
}

/** Prosody says a failed load in an error note: 'Failed to load module "x" on host "h". Error was: "…"'. */
const loadFailure = (text: string): XmgrError =>
  /No such file or directory/.test(text)
    ? new XmgrError("notFound", text, "The server has no such module: check the name, or install it (prosodyctl install) on the server's machine.")
    : new XmgrError("failure", text);

export default defineCommand<{ module: string; host?: string }, LoadOptions>({
  section: "module",
  name: "load",
  summary: "load a module on a host, or on every host with --global",
  details:
    "Needs a server admin; --global needs the operator role. A module that was already loaded is a warning, not an error. " +
    "On another host or a component (which has no mod_admin_adhoc), it goes through xmgr's module mod_admin_hosts on your host (operator role), as prosodyctl shell module:load(name, host).",
  args: [
    { name: "module", kind: "module", help: "the module's name, as in modules_enabled (e.g. time)" },
    { name: "host", kind: "host", optional: true, help: "the host (default: your account's host)" },
  ],
  options: [{ long: "--global", help: "load it on every host (modules#global-load)" }],
  examples: ["xmgr module load server_contact_info", "xmgr module load muc_mam chat.example.com", "xmgr module load time --global"],
  transport: "xmpp",
  batch: "write",
  check: () => "xmgr module list",
  async run({ sessions, output }, { module, host }, options) {
    const target = moduleTarget([module], { host, global: options.global });
    const name = target.modules[0];
    const [to, outcomes] = await sessions.use(async ({ session, login, account }) => {
      const to = target.host ?? login.domain;
      if (options.global) {
        const answer = await runAdhoc(session, { to, ...KNOWN_COMMANDS.globalLoad, values: { module: [name] }, forbidden: needsOperator(account, "load modules on every host") });
        return [to, globalModuleOutcome(infoText(answer), name)] as const;
      }
      if (to !== login.domain) {
        // Another host or a component (no mod_admin_adhoc there): through xmgr's mod_admin_hosts at the login host.
        try {
          const call = { session, at: login.domain, account, what: `load modules on ${to}` };
          const answer = await runHostsCommand(call, KNOWN_COMMANDS.anyHostModulesLoad, { host: [to], module: [name] }, loadFailure);
          return [to, [loadOutcome(infoText(answer), name, to)]] as const;
        } catch (error) {
          if (!(error instanceof HostsModuleMissing)) throw error;
        }
      }
      const answer = await runAdhoc(session, { to, ...KNOWN_COMMANDS.modulesLoad, values: { module: [name] }, forbidden: needsAdmin(account, "load modules"), errorNote: loadFailure });
      return [to, [loadOutcome(infoText(answer), name, to)]] as const;
    });
    reportModules(output, "load", Boolean(options.global), to, outcomes);
  },
});
