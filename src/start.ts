// The loader (bundled alone as bundle/start.cjs, which the small entry bundle/xmgr.cjs requires
// when no kept session answers the command): it loads the program
// (bundle/cli.cjs, and bundle/undici.cjs only when muc kick needs it) with a V8 code cache, so
// that a run does not compile the same code again. On Node 20, which caches nothing itself, that
// is most of xmgr's start-up. The cache lives in $XDG_CACHE_HOME/xmgr (~/.cache/xmgr), one file per
// bundle build, Node version and CPU; a missing, foreign or stale cache only means compiling.
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync, unlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { Script } from "node:vm";
import { writePrivateFile } from "./config/private-file.js";

/** The first line scripts/bundle.mjs writes into each bundle: its content hash. */
const BUILD_LINE = /^\/\/ xmgr build ([0-9a-f]{16})\n/;

export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "xmgr");
  return env.HOME ? join(env.HOME, ".cache", "xmgr") : undefined;
}

function cacheFileName(bundleName: string, build: string): string {
  return `${bundleName}-${build}-node${process.version}-${process.arch}.v8`;
}

/** Where a bundle's compiled code is kept; undefined for a bundle without a build line. */
export function codeCacheFile(cacheDir: string, bundleName: string, source: string): string | undefined {
  const build = BUILD_LINE.exec(source)?.[1];
  return build && join(cacheDir, cacheFileName(bundleName, build));
}

/** Removes the caches of this bundle's earlier builds (for this Node version: others may share the folder). */
function removeOtherBuilds(cacheFile: string, bundleName: string): void {
  const other = new RegExp(`^${cacheFileName(bundleName, "[0-9a-f]{16}").replaceAll(".", "\\.")}$`);
  try {
    for (const name of readdirSync(dirname(cacheFile))) {
      if (other.test(name) && name !== basename(cacheFile)) unlinkSync(join(dirname(cacheFile), name));
    }
  } catch {
    // left for a later run
  }
}

/** A cache folder that is a symbolic link is not used (nor written: private-file.ts refuses it). */
function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * The file's bytes if this user owns it and no one else can write it: compiled code from
 * anywhere else is never run.
 */
export function readOwnFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) return undefined;
    const data = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < data.length) {
      const n = readSync(fd, data, read, data.length - read, read);
      if (n === 0) return undefined;
      read += n;
    }
    return data;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function saveQuietly(path: string, data: Buffer): void {
  try {
    writePrivateFile(path, data);
  } catch {
    // A cache that cannot be written (read-only home, full disk) only costs speed.
  }
}

/** A bundle's code cache: which commands' code it holds, then V8's data. */
interface CodeCache {
  file: string;
  commands: Set<string>;
  data?: Buffer;
}

function readCodeCache(file: string): CodeCache {
  const bytes = readOwnFile(file);
  const newline = bytes?.indexOf(10) ?? -1;
  if (!bytes || newline < 0) return { file, commands: new Set() };
  return { file, commands: new Set(bytes.subarray(0, newline).toString("latin1").split(",")), data: bytes.subarray(newline + 1) };
}

/**
 * Runs a CommonJS bundle like require() would, with its compiled code cached in cacheDir. The
 * bundle's text is the module already wrapped in its function (scripts/bundle.mjs).
 * `command()` names what the run did at exit; the cache is written again when it holds no
 * code for that yet, so that it grows to every command this user runs and then stays put.
 */
export function loadBundle(
  file: string,
  bundleName: string,
  cacheDir: string | undefined,
  requireFor: (id: string) => unknown,
  command: () => string,
): unknown {
  // The bundles are ASCII (scripts/bundle.mjs): read as latin1, without UTF-8 decoding.
  const source = readFileSync(file, "latin1");
  const cacheFile = cacheDir === undefined || isLink(cacheDir) ? undefined : codeCacheFile(cacheDir, bundleName, source);
  const cache = cacheFile ? readCodeCache(cacheFile) : undefined;
  const script = new Script(source, { filename: file, cachedData: cache?.data });
  if (cache) {
    if (script.cachedDataRejected) cache.commands.clear();
    process.once("exit", () => {
      if (cache.commands.has(command())) return;
      cache.commands.add(command());
      const header = Buffer.from(`${[...cache.commands].join(",")}\n`, "latin1");
      saveQuietly(cache.file, Buffer.concat([header, script.createCachedData()]));
      removeOtherBuilds(cache.file, bundleName);
    });
  }
  const module = { exports: {} as unknown };
  script.runInThisContext().call(module.exports, module.exports, requireFor, module, file, dirname(file));
  return module.exports;
}

/** Loads and runs xmgr from the bundles next to this file. */
export function start(bundleDir: string): void {
  const cacheDir = codeCacheDir();
  const nodeRequire = createRequire(join(bundleDir, "cli.cjs"));
  let ran = "-";
  const command = () => ran;
  let undici: unknown;
  const requireFor = (id: string): unknown => {
    if (id !== "undici") return nodeRequire(id);
    undici ??= loadBundle(join(bundleDir, "undici.cjs"), "undici", cacheDir, nodeRequire, command);
    return undici;
  };
  type Cli = { main(argv: string[], ran: (command: string) => void): Promise<void> };
  const cli = loadBundle(join(bundleDir, "cli.cjs"), "cli", cacheDir, requireFor, command) as Cli;
  void cli.main(process.argv, (name) => {
    ran = name;
  });
}
