// The words of `module unload|reload MODULE… [HOST]` and `module load MODULE [HOST]`: Prosody's
// module names hold no dot, so a last word with one is the host.
import { usageError } from "../../errors.js";
import { parseHost } from "../../jid.js";

const MODULE_NAME = /^[A-Za-z0-9_-]{1,100}$/;

export function checkModuleName(name: string): string {
  const bare = name.startsWith("mod_") ? name.slice(4) : name;
  if (!MODULE_NAME.test(bare)) throw usageError(`Invalid module name ${JSON.stringify(name)}: write it as in modules_enabled, e.g. http_file_share.`);
  return bare;
}

export interface ModuleTarget {
  modules: string[];
  /** Undefined: the account's host. */
  host?: string;
}

/** MODULE… [HOST], or --host HOST for a host without a dot (localhost); none with --global. */
export function moduleTarget(words: readonly string[], options: { host?: string; global?: boolean }): ModuleTarget {
  const list = [...words];
  let host = options.host === undefined ? undefined : parseHost(options.host);
  if (list.length > 1 && list[list.length - 1].includes(".")) {
    const last = parseHost(list.pop()!);
    if (host !== undefined && host !== last) throw usageError(`Two hosts given: ${last} and --host ${host}.`);
    host = last;
  }
  if (options.global && host !== undefined) throw usageError("--global acts on every host: give no HOST with it.");
  if (list.length === 0) throw usageError("Name at least one module.");
  return { modules: [...new Set(list.map(checkModuleName))], host };
}
