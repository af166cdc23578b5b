// Early starts. Node takes about 20 ms to start; the kept session need not wait for it. The first
// line of bin/xmgr, read by sh before Node loads, leaves a hint in the kept sessions' folder:
// <pid>.hint, the command line of the process that is starting (sh execs node, so the pid stays).
// The kept session starts a read command on it at once and keeps its output until that process
// connects and sends the same command line, environment, folder and terminals (src/keep/keeper.ts):
// the server's answer is then ready when it is asked for. Anything else runs as usual.
//
// sh writes a hint only when stdout is not a terminal (scripts, pipes, $(…)): a terminal's width
// is not known to sh. The hint is NUL-terminated fields: the number of arguments, "1" if stdin is
// a terminal (else "0"), the same for stderr, $PWD, then the arguments. An early run never asks a
// question: one that would is left to its process (src/keep/keeper.ts).
import { lstatSync, readdirSync, unlinkSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import type { Hello } from "./wire.js";
import { readOwnSmallFile } from "./where.js";

export interface Hint {
  /** The process that will send the command: the hint's file name. */
  pid: number;
  args: string[];
  /** $PWD as sh had it (src/keep/keeper.ts resolves its links, as the process's cwd will be). */
  cwd: string;
  stdinIsTerminal: boolean;
  stderrIsTerminal: boolean;
}

const HINT_FILE = /^([1-9]\d{0,9})\.hint$/;
/** Far beyond any xmgr command line: a longer file is no hint, and its command runs as usual. */
const HINT_MAX = 256 * 1024;

/** A complete hint; undefined while sh is still writing it, and for anything that is not one. */
export function parseHint(pid: number, bytes: Buffer): Hint | undefined {
  const fields = bytes.toString("utf8").split("\0");
  // Every field ends with a NUL: until the last one is written, the text after it is not empty.
  if (fields.pop() !== "") return undefined;
  const [count, stdin, stderr, cwd, ...args] = fields;
  const flag = (value: string | undefined) => value === "0" || value === "1";
  if (!/^\d+$/.test(count ?? "") || args.length !== Number(count) || !flag(stdin) || !flag(stderr) || !cwd?.startsWith("/")) return undefined;
  return { pid, args, cwd, stdinIsTerminal: stdin === "1", stderrIsTerminal: stderr === "1" };
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
}

/** Hints older than this are from runs that never came (or not for any kept session): removed. */
const STALE_MS = 30_000;

/** Removes the hints older than STALE_MS. */
function sweep(folder: string): void {
  try {
    for (const name of readdirSync(folder)) {
      if (!HINT_FILE.test(name)) continue;
      const path = join(folder, name);
      if (Date.now() - lstatSync(path).mtimeMs > STALE_MS) removeQuietly(path);
    }
  } catch {
    // the next sweep
  }
}

/**
 * Calls `onHint` with each hint that appears in `folder`; a hint it takes (returns true for) is
 * removed. Each kept session of the folder sees every hint and takes only its own profile and
 * account's. Undefined when the folder cannot be watched.
 */
export function watchHints(folder: string, onHint: (hint: Hint) => boolean): FSWatcher | undefined {
  sweep(folder);
  let swept = Date.now();
  try {
    const watcher = watch(folder, { persistent: false }, (_event, name) => {
      const pid = typeof name === "string" ? HINT_FILE.exec(name)?.[1] : undefined;
      if (!pid) return;
      const path = join(folder, name as string);
      const bytes = readOwnSmallFile(path, HINT_MAX);
      const hint = bytes && parseHint(Number(pid), bytes);
      // Not whole yet: the next write tells again.
      if (hint && onHint(hint)) removeQuietly(path);
      if (Date.now() - swept > STALE_MS) {
        swept = Date.now();
        setImmediate(() => sweep(folder));
      }
    });
    watcher.on("error", () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}

/** Whether two requests are the same run: command line, folder, environment and terminals. */
export function sameCommand(a: Hello, b: Hello): boolean {
  const shape = (hello: Hello) =>
    JSON.stringify([hello.args, hello.cwd, Object.entries(hello.env).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)), hello.tty.stdin, hello.tty.stdout, hello.tty.stderr, hello.tty.columns ?? null]);
  return shape(a) === shape(b);
}
