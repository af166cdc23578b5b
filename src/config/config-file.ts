// The config file: $XDG_CONFIG_HOME/xmgr/config (default ~/.config/xmgr/config), INI-style.
//
//   [default]                 settings every profile starts from
//   jid = admin@example.com
//   [profile staging]         a named profile, chosen with --profile staging
//   server = xmpps://xmpp.staging.example.com:5223
//
// Keys are listed in CONFIG_KEYS; values run to the end of the line; '#' or ';' starts a comment line.
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, dirname } from "node:path";
import { XmgrError } from "../errors.js";
import { assertFolderSafe, assertPrivate, privateFolder, replacePrivately } from "./private-file.js";

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

/** Keys whose value is itself a secret: a file holding one must be private. */
const SECRET_KEYS: readonly ConfigKey[] = ["password", "muc_kick_auth"];
/** Keys that name a file: a leading ~/ is the home folder, as a shell would read it. */
const FILE_KEYS: readonly ConfigKey[] = ["password_file", "ca", "muc_kick_auth_file"];
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

function withHome(settings: ProfileSettings, env: NodeJS.ProcessEnv): ProfileSettings {
  const expanded = { ...settings };
  for (const key of FILE_KEYS) if (expanded[key] !== undefined) expanded[key] = expandHome(expanded[key], env);
  return expanded;
}

/** "~/x" → "$HOME/x" (and "~" alone); anything else as it is. */
export function expandHome(path: string, env: NodeJS.ProcessEnv = process.env): string {
  if (path !== "~" && !path.startsWith("~/")) return path;
  return join(env.HOME || homedir(), path.slice(1));
}

/**
 * The config file, parsed. Like ~/.ssh/config it must be the user's and no one else may write it;
 * that others can read it is refused only when it holds a secret (password, muc_kick_auth).
 */
function readConfig(path: string): Map<string, ProfileSettings> {
  const stats = statSync(path);
  const readableOnly = (stats.mode & 0o077) !== 0 && (stats.mode & 0o022) === 0 && stats.uid === process.getuid?.();
  if (!readableOnly) assertPrivate(path, "config file");
  const sections = parseConfig(readOrFail(path), path);
  const holdsSecret = [...sections.values()].some((section) => SECRET_KEYS.some((key) => section[key] !== undefined));
  if (readableOnly && holdsSecret) assertPrivate(path, "config file");
  return sections;
}

function readOrFail(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new XmgrError("usage", `Cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}.`);
  }
}

/** The settings of one profile, on top of [default]. A named profile that is not there is an error (unless missingOk: login makes it). */
export function loadProfile(profile: string | undefined, env: NodeJS.ProcessEnv = process.env, { missingOk = false } = {}): ProfileSettings {
  const path = configPath(env);
  if (!existsSync(path)) {
    if (env.XMGR_CONFIG) {
      throw new XmgrError("usage", `XMGR_CONFIG names ${path}, which does not exist.`);
    }
    if (profile && profile !== "default" && !missingOk) {
      throw new XmgrError("usage", `Profile "${profile}" not found: there is no config file at ${path}.`, `Run: xmgr --profile ${profile} login`);
    }
    return {};
  }
  // The usual place is xmgr's own folder: whoever can write there can swap the file.
  if (!env.XMGR_CONFIG) assertFolderSafe(dirname(path), "config folder");
  const sections = readConfig(path);
  const defaults = sections.get("default") ?? {};
  if (!profile || profile === "default") return withHome(defaults, env);
  const named = sections.get(profile);
  if (!named && missingOk) return withHome(defaults, env);
  if (!named) {
    const others = [...sections.keys()].filter((name) => name !== "default");
    throw new XmgrError(
      "usage",
      `Profile "${profile}" not found in ${path}: ${others.length ? `its profiles are ${others.join(", ")} (and default)` : "it has only the default profile"}.`,
      `Add a [profile ${profile}] section, or run: xmgr --profile ${profile} login`,
    );
  }
  return withHome({ ...defaults, ...named }, env);
}

/**
 * Sets keys of one profile in the config file (created 0600, its folder 0700, when there is none),
 * keeping every other line as it was. Written to a new file renamed over the old one.
 */
export function saveProfileKeys(profile: string, values: ProfileSettings, env: NodeJS.ProcessEnv = process.env): string {
  const path = configPath(env);
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && /[\r\n]/.test(value)) throw new XmgrError("usage", `The ${key} to save holds a line break.`);
  }
  if (!env.XMGR_CONFIG) privateFolder(dirname(path), "config folder");
  const text = existsSync(path) ? (readConfig(path), readOrFail(path)) : "";
  writeNewFile(path, withKeys(text, profile, values));
  return path;
}

/** The config text with `values` set in the section of `profile` (added at the end when missing). */
export function withKeys(text: string, profile: string, values: ProfileSettings): string {
  const lines = text === "" ? [] : text.replace(/\r?\n$/, "").split(/\r?\n/);
  const header = profile === "default" ? "[default]" : `[profile ${profile}]`;
  const isHeader = (line: string) => /^\[.*\]$/.test(line.trim());
  const isOurs = (line: string) => {
    const section = /^\[\s*(default|profile\s+([^\]\s]+))\s*\]$/.exec(line.trim());
    return section !== null && (section[2] ?? "default") === profile;
  };
  let start = lines.findIndex(isOurs);
  if (start < 0) {
    if (lines.length && lines[lines.length - 1].trim() !== "") lines.push("");
    lines.push(header);
    start = lines.length - 1;
  }
  let end = start + 1;
  while (end < lines.length && !isHeader(lines[end])) end++;
  let lastKey = start;
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const line = `${key} = ${value}`;
    const at = lines.slice(start + 1, end).findIndex((existing) => new RegExp(`^\\s*${key}\\s*=`).test(existing));
    if (at >= 0) {
      lines[start + 1 + at] = line;
      lastKey = Math.max(lastKey, start + 1 + at);
    } else {
      while (lastKey + 1 < end && lines[lastKey + 1].trim() !== "") lastKey++;
      lines.splice(lastKey + 1, 0, line);
      lastKey++;
      end++;
    }
  }
  return `${lines.join("\n")}\n`;
}

function writeNewFile(path: string, content: string): void {
  try {
    replacePrivately(path, content);
  } catch (error) {
    throw new XmgrError("failure", `Cannot write the config file ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}.`);
  }
}
