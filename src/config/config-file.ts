// The config file: $XDG_CONFIG_HOME/xmgr/config (default ~/.config/xmgr/config), INI-style.
//
//   [default]                 settings every profile starts from
//   jid = admin@example.com
//   [profile staging]         a named profile, chosen with --profile staging
//   server = xmpps://xmpp.staging.example.com:5223
//
// Keys are listed in CONFIG_KEYS; values run to the end of the line; '#' or ';' starts a comment line.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, dirname } from "node:path";
import { XmgrError } from "../errors.js";
import { assertFolderSafe, readPrivateFile } from "./private-file.js";

export const CONFIG_KEYS = [
  "jid",
  "server",
  "password",
  "password_file",
  "ca",
  "insecure",
  "timeout",
  "keep",
  "muc_kick_url",
  "muc_kick_server",
  "muc_kick_auth",
  "muc_kick_auth_file",
  "allow_plain_http",
] as const;

export type ConfigKey = (typeof CONFIG_KEYS)[number];
export type ProfileSettings = Partial<Record<ConfigKey, string>>;

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "xmgr");
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.XMGR_CONFIG || join(configDir(env), "config");
}

export function parseConfig(text: string, path: string): Map<string, ProfileSettings> {
  const sections = new Map<string, ProfileSettings>();
  let current: ProfileSettings | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const where = `${path}:${index + 1}`;
    if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
    const section = /^\[\s*(default|profile\s+([^\]\s]+))\s*\]$/.exec(line);
    if (section) {
      const name = section[2] ?? "default";
      current = sections.get(name) ?? {};
      sections.set(name, current);
      return;
    }
    const pair = /^([a-z_]+)\s*=\s*(.*)$/.exec(line);
    if (!pair) {
      throw new XmgrError("usage", `${where}: expected "[profile NAME]" or "key = value".`);
    }
    const [, key, value] = pair;
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new XmgrError("usage", `${where}: unknown key "${key}".`, `Known keys: ${CONFIG_KEYS.join(", ")}.`);
    }
    if (!current) {
      throw new XmgrError("usage", `${where}: "${key}" comes before any [default] or [profile NAME] section.`);
    }
    current[key as ConfigKey] = value;
  });
  return sections;
}

/** The settings of one profile, on top of [default]. A named profile that is not there is an error. */
export function loadProfile(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): ProfileSettings {
  const path = configPath(env);
  if (!existsSync(path)) {
    if (env.XMGR_CONFIG) {
      throw new XmgrError("usage", `XMGR_CONFIG names ${path}, which does not exist.`);
    }
    if (profile && profile !== "default") {
      throw new XmgrError("usage", `Profile "${profile}" not found: there is no config file at ${path}.`);
    }
    return {};
  }
  // The usual place is xmgr's own folder: whoever can write there can swap the file.
  if (!env.XMGR_CONFIG) assertFolderSafe(dirname(path), "config folder");
  const sections = parseConfig(readPrivateFile(path, "config file"), path);
  const defaults = sections.get("default") ?? {};
  if (!profile || profile === "default") return defaults;
  const named = sections.get(profile);
  if (!named) {
    throw new XmgrError("usage", `Profile "${profile}" not found in ${path}.`, `Add a [profile ${profile}] section.`);
  }
  return { ...defaults, ...named };
}
