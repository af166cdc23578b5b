// The client side of a kept session, run by the small entry (bundle/xmgr.cjs) before it loads
// the program: when this profile and account's kept session answers, the command runs there and
// this process only relays its output, its questions and its exit code. Anything else (no
// session, a stale socket, a link, another user's file, a decline) is undefined: run it here.
import { writeSync } from "node:fs";
import { folderIsPrivate, isOwnSocket, keepPaths, keepRefused, readOwnSmallFile, type KeepPaths } from "./where.js";
import { sharedEnv, type FromClient, type FromKeeper, type Hello } from "./wire.js";
import { isTerminal, openLink } from "./link.js";

/** The key file's secret, if it is this user's own 0600 regular file (no link followed). */
export function readKey(path: string): string | undefined {
  return readOwnSmallFile(path, 256, true)?.toString("latin1").trim() || undefined;
}

/** The socket and key of a kept session that may be this user's: checked before connecting. */
export function usableSession(paths: KeepPaths | undefined): { paths: KeepPaths; key: string } | undefined {
  if (!paths || !folderIsPrivate(paths.folder) || !isOwnSocket(paths.socket)) return undefined;
  const key = readKey(paths.key);
  return key ? { paths, key } : undefined;
}

/**
 * Writes to stdout (1) or stderr (2) at once, without making process.stdout/stderr (a stream
 * costs a few ms to set up, a large share of this process). A reader that went away ends the
 * run quietly, as src/cli.ts does.
 */
export function writeOut(fd: 1 | 2, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(fd, bytes, written, bytes.length - written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") continue; // a non-blocking pipe that is full: try again
      if (code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
      throw error;
    }
  }
}

/** Whether a live process listens on the socket (a stale one refuses the connection). */
export function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = process.getBuiltinModule("node:net").connect(path);
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

/** A line typed with echo on this terminal, as src/config/prompt.ts asks it; the cancel when there is none. */
function askLine(question: string): Promise<FromClient> {
  const { createInterface } = process.getBuiltinModule("node:readline");
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let answered = false;
    let interrupted = false;
    rl.on("SIGINT", () => {
      interrupted = true;
      rl.close();
    });
    rl.on("close", () => {
      if (answered) return;
      process.stderr.write("\n");
      resolve({ cancel: true, interrupted });
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve({ answer });
    });
  });
}

/**
 * Sends `hello` and relays the answer. Resolves with the exit code, or undefined when the kept
 * session declined or was gone before it took the command (nothing was printed then).
 */
export function talk(socketPath: string, hello: Hello): Promise<number | undefined> {
  return new Promise((resolve) => {
    let taken = false;
    let done = false;
    const finish = (code: number | undefined) => {
      if (done) return;
      done = true;
      // With an exit code the process ends at once, closing the connection; a decline goes on here.
      if (code === undefined) link.close();
      resolve(code);
    };
    /** The connection ended (or the keeper sent something that is not a frame) before the exit code. */
    const lost = () => {
      if (done) return;
      if (!taken) return finish(undefined);
      writeOut(2, "! The kept session ended before the command finished: its outcome is unknown.\n  Check with a read command, then run it again if needed (xmgr --no-keep ... runs it without the kept session).\n");
      finish(1);
    };
    const link = openLink(socketPath, {
      line: (text) => {
        let frame: FromKeeper;
        try {
          frame = JSON.parse(text) as FromKeeper;
        } catch {
          link.close();
          return lost();
        }
        if ("decline" in frame) finish(undefined);
        else if ("stopped" in frame) finish(0);
        else if ("run" in frame) taken = true;
        else if ("out" in frame) writeOut(1, frame.out);
        else if ("err" in frame) writeOut(2, frame.err);
        else if ("ask" in frame) {
          void askLine(frame.ask).then((answer) => link.write(`${JSON.stringify(answer)}\n`));
        } else if ("exit" in frame) finish(frame.exit);
      },
      end: lost,
    });
    // Sent with the connect, not after hearing that it succeeded: one wake-up less on each side.
    link.write(`${JSON.stringify(hello)}\n`);
  });
}

/**
 * Runs the command line on this profile and account's kept session: undefined at once when there
 * is none to try (the usual one-shot run pays a few stat calls), else the exit code or, when it
 * declined, undefined.
 */
export function runKept(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> | undefined {
  if (keepRefused(args, env)) return undefined;
  const session = usableSession(keepPaths(args, env));
  if (!session) return undefined;
  const tty = { stdin: isTerminal(0), stdout: isTerminal(1), stderr: isTerminal(2) };
  // Only a terminal's width is asked for (process.stdout loads node:net, a few ms): runs in pipes
  // and scripts stay as small as they are.
  const columns = tty.stdout ? process.stdout.columns : undefined;
  return talk(session.paths.socket, { key: session.key, args, env: sharedEnv(env), cwd: process.cwd(), tty: { ...tty, columns }, pid: process.pid });
}
