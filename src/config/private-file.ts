// Files that hold secrets or state, and the folders they are in. As OpenSSH does with ~/.ssh:
// - a file is read only if it is the user's own and neither group nor others can access it; a
//   symbolic link to it (the config file, a password file) only if the link is the user's too;
// - xmgr's own folders (state, cache) are the user's and 0700: created so, repaired when they are
//   the user's but open to others, refused when they belong to someone else or are a symbolic link;
// - writing never follows a symbolic link: a temporary file with an unpredictable name is created
//   exclusively (O_EXCL, O_NOFOLLOW) and renamed over the target, which replaces a planted link
//   instead of writing through it.
import { chmodSync, closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeSync, type Stats } from "node:fs";
import { dirname } from "node:path";
import { XmgrError } from "../errors.js";

const { O_WRONLY, O_RDONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_APPEND } = constants;

const myUid = () => process.getuid?.();

function notMine(stats: Stats): boolean {
  const uid = myUid();
  return uid !== undefined && stats.uid !== uid;
}

function foreignOwner(path: string, what: string, stats: Stats): XmgrError {
  return new XmgrError(
    "usage",
    `Refusing the ${what} ${path}: it belongs to another user (uid ${stats.uid}), who could read or replace it.`,
    `Remove it (or chown it to yourself) if you trust its content: rm -r '${path}'`,
  );
}

/**
 * A symbolic link that another user owns, at a file or folder the user names (config, password
 * file): its owner can point it anywhere at any time, so it is refused even when its target is
 * the user's. Nothing there: nothing to refuse.
 */
function refuseForeignLink(path: string, what: string): void {
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch {
    return;
  }
  if (link.isSymbolicLink() && notMine(link)) {
    throw new XmgrError(
      "usage",
      `Refusing the ${what} ${path}: it is a symbolic link owned by another user (uid ${link.uid}), who can point it anywhere.`,
      `Replace it with a file or link of your own: rm '${path}'`,
    );
  }
}

/** Refuses a file that another user owns or that group or others can read or write, with the fix. */
export function assertPrivate(path: string, what: string): void {
  refuseForeignLink(path, what);
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    throw new XmgrError("usage", `Cannot read the ${what} ${path}: no such file.`);
  }
  checkPrivateStats(path, what, stats);
}

function checkPrivateStats(path: string, what: string, stats: Stats): void {
  if (notMine(stats)) throw foreignOwner(path, what, stats);
  if ((stats.mode & 0o077) !== 0) {
    throw new XmgrError(
      "usage",
      `Refusing the ${what} ${path}: other users can access it (mode ${(stats.mode & 0o777).toString(8)}).`,
      `Run: chmod 600 '${path}'`,
    );
  }
}

export function readPrivateFile(path: string, what: string): string {
  assertPrivate(path, what);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new XmgrError("usage", `Cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}.`);
  }
}

/**
 * A file xmgr keeps in its own folders (token, client id, pin): read without following a symbolic
 * link, only if private and the user's; undefined when there is none. `repair`: a file of the
 * user's that others can access is made 0600 instead of refused (for what holds no secret xmgr
 * relies on, the shell history).
 */
export function readStateFile(path: string, what: string, repair = false): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw new XmgrError("usage", `Refusing the ${what} ${path}: it is a symbolic link.`, `Remove it: rm '${path}'`);
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    // Odd, not unsafe (only the user can put things in these folders): the caller may go on without it.
    if (!stats.isFile()) throw Object.assign(new Error(`the ${what} ${path} is not a file`), { code: stats.isDirectory() ? "EISDIR" : "EINVAL" });
    if (repair && !notMine(stats) && (stats.mode & 0o077) !== 0) fchmodSync(fd, 0o600);
    else checkPrivateStats(path, what, stats);
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/**
 * A symbolic link where xmgr keeps its own folder: never followed (as OpenSSH does), since whoever
 * could plant it chooses where xmgr's secrets go. Refused even when it is the user's own.
 */
function linkRefused(path: string, what: string, link: Stats): XmgrError {
  let target = "";
  try {
    target = ` to ${JSON.stringify(readlinkSync(path))}`;
  } catch {
    // gone meanwhile: said without its target
  }
  const owner = notMine(link) ? `, owned by another user (uid ${link.uid}),` : "";
  return new XmgrError(
    "usage",
    `Refusing the ${what} ${path}: it is a symbolic link${target}${owner} and xmgr does not follow links for its own folders.`,
    `Remove the link and run again (xmgr makes a private folder there), or set XDG_STATE_HOME to keep the state elsewhere: rm '${path}'`,
  );
}

/** Each folder from `top` down to `dir` (`top` is `dir` or one of its ancestors). */
function foldersFrom(top: string, dir: string): string[] {
  const chain: string[] = [];
  for (let path = dir; ; path = dirname(path)) {
    chain.unshift(path);
    if (path === top || dirname(path) === path) return chain;
  }
}

/** One of xmgr's folders, existing: a real folder of the user's (not a link, not another's). */
function checkOwnFolder(path: string, what: string, stats: Stats): void {
  if (stats.isSymbolicLink()) throw linkRefused(path, what, stats);
  if (!stats.isDirectory()) throw new XmgrError("usage", `Refusing the ${what} ${path}: it is not a folder.`, `Remove it: rm '${path}'`);
  if (notMine(stats)) throw foreignOwner(path, what, stats);
}

/**
 * Creates what is missing of `dir` one folder at a time (0700), each checked once made: a folder
 * that appeared meanwhile as a link or as another user's is refused, never used.
 */
function makeFolders(dir: string, what: string): void {
  const missing: string[] = [];
  for (let path = dir; dirname(path) !== path; path = dirname(path)) {
    try {
      lstatSync(path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      missing.unshift(path);
    }
  }
  for (const path of missing) {
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    checkOwnFolder(path, path === dir ? what : "folder", lstatSync(path));
  }
}

/**
 * Makes sure `dir`, one of xmgr's own folders, exists, is the user's and only the user's: created
 * 0700, repaired to 0700 when it is the user's but open to others, refused when it is another
 * user's, not a folder, or a symbolic link (any: OpenSSH does not follow them either). The same for
 * each folder between `top` (xmgr's folder, e.g. $XDG_STATE_HOME/xmgr) and `dir`; folders above
 * `top` that xmgr had to create are checked the same way, once made.
 */
export function privateFolder(dir: string, what = "folder", top = dir): void {
  makeFolders(dir, what);
  for (const path of foldersFrom(top, dir)) {
    const stats = lstatSync(path);
    checkOwnFolder(path, what, stats);
    if ((stats.mode & 0o077) !== 0) chmodSync(path, 0o700);
  }
}

/**
 * Before reading from one of xmgr's folders: each folder from `top` down to `dir` that exists is
 * a real folder of the user's (as privateFolder, without creating or repairing anything).
 */
export function checkExistingFolders(dir: string, what: string, top = dir): void {
  for (const path of foldersFrom(top, dir)) {
    let stats: Stats;
    try {
      stats = lstatSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    checkOwnFolder(path, what, stats);
  }
}

/** Refuses a folder (made by the user, so not repaired) that another user owns or that group or others can write. */
export function assertFolderSafe(dir: string, what: string): void {
  refuseForeignLink(dir, what);
  let stats: Stats;
  try {
    stats = statSync(dir);
  } catch {
    return; // nothing there: nothing read from it
  }
  if (notMine(stats)) throw foreignOwner(dir, what, stats);
  if ((stats.mode & 0o022) !== 0) {
    throw new XmgrError("usage", `Refusing the ${what} ${dir}: other users can write to it (mode ${(stats.mode & 0o777).toString(8)}) and could swap its files.`, `Run: chmod go-w '${dir}'`);
  }
}

/** A name next to `path` that no one can guess in advance. */
function temporaryName(path: string): string {
  // node:crypto loaded here, not with the module: bundle/start.cjs holds this file (src/start.ts's
  // code cache), and runs that need no cryptography (--help, local commands) would pay 5-10 ms for it.
  const { randomBytes } = process.getBuiltinModule("node:crypto");
  return `${path}.${randomBytes(9).toString("base64url")}.tmp`;
}

/**
 * Writes atomically into one of xmgr's own folders (from `top` down, checked with privateFolder()
 * first), as replacePrivately() does.
 */
export function writePrivateFile(path: string, content: string | Uint8Array, top = dirname(path)): void {
  privateFolder(dirname(path), "folder", top);
  replacePrivately(path, content);
}

/**
 * The content goes into a new 0600 temporary file (exclusive, no symbolic link followed) that then
 * replaces `path`. On failure no temporary file is left. The folder is not checked: the caller has.
 */
export function replacePrivately(path: string, content: string | Uint8Array): void {
  const temporary = temporaryName(path);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Appends to a private file (created 0600) without following a symbolic link; refuses a file that
 * is not the user's own.
 */
export function appendPrivateFile(path: string, content: string, top = dirname(path)): void {
  privateFolder(dirname(path), "folder", top);
  const fd = openSync(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || notMine(stats)) throw foreignOwner(path, "file", stats);
    if ((stats.mode & 0o077) !== 0) fchmodSync(fd, 0o600);
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}
