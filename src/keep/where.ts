// Where a kept session (src/keep/keeper.ts) listens, and whether a run may use one. Loaded by the
// small entry (bundle/xmgr.cjs) at every start: node:fs and node:path only (both loaded by Node
// before any script), no config file read.
//
// One kept session per profile and account: its socket is <folder>/<profile>.<account>.sock, and
// beside it <profile>.<account>.key, the 0600 file holding the random secret a client sends
// first. The account part is the --jid or XMGR_JID given, or "-" for the profile's configured one;
// the kept session checks each request's full settings against its own and declines a mismatch.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import { isAbsolute, join } from "node:path";

/** The longest path a Unix socket can have on Linux (sun_path is 108 bytes, NUL included). */
const SOCKET_PATH_MAX = 107;

/** The variable that makes bin/xmgr a kept session (src/keep/keeper.ts), holding its idle time in ms. */
export const KEEPER_VARIABLE = "XMGR_KEEPER_IDLE_MS";

/** XMGR_KEEP (or the config's keep) that turns kept sessions off. */
export const KEEP_OFF = /^(off|no|false|0)$/i;

/**
 * The user's private runtime folder for kept sessions: $XDG_RUNTIME_DIR/xmgr, else one under the
 * state folder. A relative XDG folder is ignored, as the XDG spec says.
 */
export function keepFolder(env: NodeJS.ProcessEnv = process.env): string {
  const absolute = (dir: string | undefined) => (dir && isAbsolute(dir) ? dir : undefined);
  const runtime = absolute(env.XDG_RUNTIME_DIR);
  if (runtime) return join(runtime, "xmgr");
  return join(absolute(env.XDG_STATE_HOME) ?? join(env.HOME || process.getBuiltinModule("node:os").homedir(), ".local", "state"), "xmgr", "run");
}

/** The value of a global option as commander reads it: "--jid X" or "--jid=X", before the command's words too. */
function optionValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--") break;
    if (argv[i] === name) value = argv[++i];
    else if (argv[i].startsWith(`${name}=`)) value = argv[i].slice(name.length + 1);
  }
  return value;
}

const fileSafe = (text: string) => text.replace(/[^\w.@-]/g, "_");

export interface KeepPaths {
  folder: string;
  socket: string;
  key: string;
}

/** Where the kept session for this command line's profile and account is; undefined when its path would be too long. */
export function keepPaths(args: readonly string[], env: NodeJS.ProcessEnv = process.env): KeepPaths | undefined {
  const profile = optionValue(args, "--profile") || env.XMGR_PROFILE || "default";
  const account = optionValue(args, "--jid") || env.XMGR_JID || "-";
  const folder = keepFolder(env);
  const base = join(folder, `${fileSafe(profile)}.${fileSafe(account)}`);
  if (Buffer.byteLength(`${base}.sock`) > SOCKET_PATH_MAX) return undefined;
  return { folder, socket: `${base}.sock`, key: `${base}.key` };
}

/** Whether this command line turns kept sessions off (--no-keep, XMGR_KEEP=off) or cannot use one (help, version). */
export function keepRefused(args: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[KEEPER_VARIABLE] || (env.XMGR_KEEP !== undefined && KEEP_OFF.test(env.XMGR_KEEP))) return true;
  const end = args.indexOf("--");
  const words = end < 0 ? args : args.slice(0, end);
  return words.length === 0 || words.some((word) => word === "--no-keep" || word === "-h" || word === "--help" || word === "help" || word === "-V" || word === "--version");
}

/** The folder is this user's own folder, not a link, and closed to everyone else. */
export function folderIsPrivate(folder: string): boolean {
  try {
    const stats = lstatSync(folder);
    return stats.isDirectory() && stats.uid === process.getuid?.() && (stats.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** A socket (not a link to one) that this user owns. */
export function isOwnSocket(path: string): boolean {
  try {
    const stats = lstatSync(path);
    return stats.isSocket() && stats.uid === process.getuid?.();
  } catch {
    return false;
  }
}

/**
 * The bytes of this user's own regular file, at most `maxBytes` long; with `closed`, only if
 * nobody else may read or write it (0600). No link is followed, and nothing is waited on (a FIFO
 * there is refused); anything else, an error included, is undefined.
 */
export function readOwnSmallFile(path: string, maxBytes: number, closed = false): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.uid !== process.getuid?.() || (closed && (stats.mode & 0o077) !== 0) || stats.size > maxBytes) return undefined;
    const bytes = Buffer.alloc(stats.size);
    return bytes.subarray(0, readSync(fd, bytes, 0, bytes.length, 0));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
