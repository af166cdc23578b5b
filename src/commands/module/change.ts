// What `module unload` and `module reload` share: MODULE… [HOST] on one host in one request
// (modules#unload / #reload take a list), or --global: each module on every host
// (modules#global-unload / #global-reload take one module each; operator role).
import type { ModuleOutcome } from "../../protocol/module-outcome.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { globalModuleOutcome, hostModulesOutcome } from "../../protocol/module-outcome.js";
import { infoText, runAdhoc } from "../adhoc-call.js";
import type { CommandContext } from "../define.js";
import { HostsModuleMissing, runHostsCommand } from "../hosts-module.js";
import { needsAdmin, needsOperator } from "../refusal-texts.js";
import { moduleTarget } from "./module-words.js";
import { reportModules } from "./report.js";

export interface ChangeOptions {
  global?: boolean;
  host?: string;
}

const COMMANDS = {
  unload: { host: KNOWN_COMMANDS.modulesUnload, global: KNOWN_COMMANDS.globalUnload, anyHost: KNOWN_COMMANDS.anyHostModulesUnload },
  reload: { host: KNOWN_COMMANDS.modulesReload, global: KNOWN_COMMANDS.globalReload, anyHost: KNOWN_COMMANDS.anyHostModulesReload },
};

export async function changeModules({ sessions, output }: CommandContext, action: "unload" | "reload", words: string[], options: ChangeOptions): Promise<void> {
  const target = moduleTarget(words, options);
  const [to, outcomes] = await sessions.use(async ({ session, login, account }) => {
    const to = target.host ?? login.domain;
    if (options.global) {
      const outcomes: ModuleOutcome[] = [];
      for (const module of target.modules) {
        const answer = await runAdhoc(session, { to, ...COMMANDS[action].global, values: { module: [module] }, forbidden: needsOperator(account, `${action} modules on every host`) });
        outcomes.push(...globalModuleOutcome(infoText(answer), module));
      }
      return [to, outcomes] as const;
    }
    if (to !== login.domain) {
      // Another host or a component (no mod_admin_adhoc there): through xmgr's mod_admin_hosts at the login host.
      try {
        const call = { session, at: login.domain, account, what: `${action} modules on ${to}` };
        const answer = await runHostsCommand(call, COMMANDS[action].anyHost, { host: [to], modules: [target.modules.join("\n")] });
        return [to, hostModulesOutcome(infoText(answer), to, target.modules)] as const;
      } catch (error) {
        if (!(error instanceof HostsModuleMissing)) throw error;
      }
    }
    const answer = await runAdhoc(session, { to, ...COMMANDS[action].host, values: { modules: target.modules }, forbidden: needsAdmin(account, `${action} modules`) });
    return [to, hostModulesOutcome(infoText(answer), to, target.modules)] as const;
  });
  reportModules(output, action, Boolean(options.global), to, outcomes);
}

export const changeOptions = (action: string) => [
  { long: "--global", help: `${action} each module on every host (operator role)` },
  { long: "--host", value: "HOST", help: "the host, when its name has no dot (localhost)" },
];
