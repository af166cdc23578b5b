// The kept session: a background process (started by src/keep/spawn.ts) that logs in once and
// runs the commands that small entries (src/keep/client.ts) send over its Unix socket, one at a
// time, exactly as a one-shot run would (src/cli.ts), with their output, questions and exit code
// relayed. It ends after its idle time, on `xmgr session stop` or `xmgr logout`, and when the
// server closes its stream; it never logs in again.
//
// Who may talk to it: the socket lies in a 0700 folder of the user's (checked, no link followed),
// and each connection must first send the random key from the 0600 file beside it. Node offers no
// SO_PEERCRED, so this stands in for it: only the same user (or root) can reach the socket and
// read the key. A connection without the right key is closed without a word.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, realpathSync, unlinkSync, writeSync, closeSync, type FSWatcher } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { Command } from "commander";
import { CommanderError } from "commander";
import { XmgrError, asXmgrError, ExitCode, inCommandWords } from "../errors.js";
import { Settings, type GlobalOptions, type XmppSettings } from "../config/settings.js";
import { ProfileState } from "../config/state.js";
import { writePrivateFile } from "../config/private-file.js";
import { Output } from "../output/output.js";
import { redactSecrets } from "../output/secrets.js";
import { paintersFor } from "../output/paint.js";
import { safeQuestion } from "../config/prompt.js";
import { buildProgram, commandsNamedIn } from "../program.js";
import { commandPath, type CommandDef, type Prompts, type Values } from "../commands/define.js";
import { oneShotSession, openLoggedIn, type LoggedIn } from "../commands/xmpp-session.js";
import { folderIsPrivate, keepPaths, keepRefused, type KeepPaths } from "./where.js";
import { readFrames, send, sendNow, type FromClient, type FromKeeper, type Hello } from "./wire.js";
import { answers } from "./client.js";
import { keepable, shellQuoted, startsEarly } from "./keepable.js";
import { sameCommand, watchHints, type Hint } from "./early.js";

/** The environment variables whose difference changes which certificates a run trusts. */
const TRUST_VARIABLES = ["XMGR_NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR"];

/** Makes the kept sessions' folder: created 0700, the user's own, not a link; repaired to 0700 if it is the user's. */
export function makeKeepFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stats = lstatSync(folder);
  if (stats.isDirectory() && !stats.isSymbolicLink() && stats.uid === process.getuid?.() && (stats.mode & 0o077) !== 0) chmodSync(folder, 0o700);
  if (!folderIsPrivate(folder)) throw new XmgrError("usage", `Refusing the kept-session folder ${folder}: it is not this user's own private folder.`);
}

/** Frees the socket's path of a stale socket; refuses anything else there (a link, a file, a live session). */
async function claimSocketPath(path: string): Promise<void> {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return;
  }
  if (!stats.isSocket() || stats.uid !== process.getuid?.()) throw new XmgrError("usage", `Refusing ${path}: it is not a socket of this user's.`);
  if (await answers(path)) throw new XmgrError("usage", `A kept session already listens on ${path}.`);
  unlinkSync(path);
}

class Declined extends Error {}

/** The commander program for a command line, made silent: what it would print, the client's own run prints. */
function silentProgram(args: string[], runner: Parameters<typeof buildProgram>[0]): Command {
  const program = buildProgram(runner, commandsNamedIn(args));
  const quiet = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
    command.commands.forEach(quiet);
  };
  quiet(program);
  return program;
}

/** Where a run's frames go: `now` for one that must leave before the command's request (wire.ts). */
type Emit = (frame: FromKeeper, now?: boolean) => void;

/** The frames to a client's socket; its answers to the run's questions. */
function socketRun(socket: Socket, hello: Hello, own: XmppSettings, login: LoggedIn): KeptRun {
  const run = new KeptRun((frame, now) => (now ? sendNow : send)(socket, frame), hello, own, login);
  readFrames<FromClient>(socket, (frame) => run.answer(frame));
  socket.on("close", () => run.abandon());
  return run;
}

/** An early run (src/keep/early.ts): what it printed, kept for the process that hinted it. */
interface EarlyRun {
  hello: Hello;
  hintedAt: number;
  frames: FromKeeper[];
  /** Its exit code; none while it runs, or when it declined. */
  code?: number;
}

/** How long an early run's output waits for its process (Node starts in ~20 ms; a loaded machine may take seconds). */
const EARLY_KEPT_MS = 10_000;

/** Runs one command line as src/cli.ts would, with the client's streams, terminal and settings. */
class KeptRun {
  private readonly pendingAnswers: Array<(frame: FromClient | undefined) => void> = [];
  private status: number | undefined;
  /** The command's output, once it runs (for its failure, reported as src/cli.ts reports it). */
  private output?: Output;

  /** `early`: started on a hint, before its client connected: declines what must not start early. */
  constructor(
    private readonly emit: Emit,
    private readonly hello: Hello,
    private readonly own: XmppSettings,
    private readonly login: LoggedIn,
    private readonly early = false,
  ) {}

  /** The client's answer to the oldest question. */
  answer(frame: FromClient): void {
    this.pendingAnswers.shift()?.(frame);
  }

  /** The client went away: its questions are cancelled. */
  abandon(): void {
    for (const answer of this.pendingAnswers.splice(0)) answer(undefined);
  }

  /** The exit code, or Declined when the client should run the command itself. */
  async run(): Promise<number> {
    let reached = false;
    const program = silentProgram(this.hello.args, async (def, args, options, command) => {
      reached = true;
      await this.runCommand(def, args, options, command);
    });
    try {
      await program.parseAsync(this.hello.args, { from: "user" });
    } catch (error) {
      if (!reached || error instanceof Declined || error instanceof CommanderError) throw new Declined();
      return this.report(error);
    }
    if (!reached) throw new Declined();
    return this.status ?? ExitCode.ok;
  }

  private report(error: unknown): number {
    const failure = asXmgrError(error);
    this.output?.fail(failure);
    return failure.exitCode;
  }

  /** Declines what a one-shot run would do differently: another account or server, traces, secrets asked. */
  private accepts(def: CommandDef, options: GlobalOptions, settings: Settings): boolean {
    if (!keepable(def) || options.verbose || options.keep === false || settings.keepSetting() === "off") return false;
    const theirs = settings.xmpp();
    const same = (a: XmppSettings) => JSON.stringify([a.profile, String(a.jid), a.server, a.ca, a.insecure, a.timeoutMs]);
    if (same(theirs) !== same(this.own)) return false;
    if (new ProfileState(theirs.profile, this.hello.env).dir !== new ProfileState(this.own.profile).dir) return false;
    return TRUST_VARIABLES.every((name) => this.hello.env[name] === process.env[name]);
  }

  private async runCommand(def: CommandDef, args: Values, options: Values, command: Command): Promise<void> {
    const globals = command.optsWithGlobals<GlobalOptions>();
    let settings: Settings;
    try {
      process.chdir(this.hello.cwd);
      settings = new Settings(globals, this.hello.env);
      if (!this.accepts(def, globals, settings) || (this.early && !startsEarly(def))) throw new Declined();
    } catch {
      throw new Declined();
    }
    if (!this.login.session.isOpen) throw new Declined();
    this.emit({ run: true }, true);
    const { tty, env } = this.hello;
    const columns = Number.isInteger(tty.columns) && tty.columns! > 0 ? tty.columns : undefined;
    const stream = (frame: "out" | "err", isTTY: boolean) =>
      ({
        isTTY,
        columns: isTTY ? columns : undefined,
        write: (text: string | Uint8Array, callback?: () => void) => {
          this.emit(frame === "out" ? { out: String(text) } : { err: String(text) });
          callback?.();
          return true;
        },
      }) as unknown as NodeJS.WriteStream;
    const out = stream("out", tty.stdout);
    const err = stream("err", tty.stderr);
    const output = new Output({ json: Boolean(globals.json), verbose: false, painters: await paintersFor(globals.color !== false, { out, err }, env) }, out, err);
    this.output = output;
    const prompts: Prompts = {
      canAsk: tty.stdin && tty.stderr,
      line: (question) => this.ask(question),
      secret: () => Promise.reject(new XmgrError("usage", "A kept session does not ask for secrets.", "Run the command with --no-keep.")),
    };
    const commandLine = `xmgr ${this.hello.args.map(shellQuoted).join(" ")}`;
    const sessions = { use: <T>(work: (login: LoggedIn) => Promise<T>) => work(this.login), fresh: oneShotSession(settings, output).fresh };
    const { completeArgs } = await import("../commands/complete-args.js");
    const completed = await completeArgs(def, args, settings, sessions);
    if (def.destructive) {
      const { confirmDestructive } = await import("../commands/confirm.js");
      await confirmDestructive(def, completed, options, prompts, commandLine, sessions);
    }
    const { runTruthfully } = await import("../commands/lost-answer.js");
    const returned = await runTruthfully(def, { settings, output, sessions, prompts, inShell: false, commandLine }, completed, options).catch((error: unknown) => {
      throw inCommandWords(error, commandPath(def));
    });
    if (typeof returned === "number") this.status = returned;
  }

  private ask(question: string): Promise<string> {
    // Nobody to answer an early run yet: its process runs the command itself (run() declines).
    if (this.early) return Promise.reject(new Declined());
    return new Promise((resolve, reject) => {
      this.pendingAnswers.push((frame) => {
        if (frame && "answer" in frame && typeof frame.answer === "string") resolve(frame.answer);
        else if (frame && "interrupted" in frame && frame.interrupted === true) reject(new XmgrError("interrupted", "Cancelled (Ctrl-C): nothing was changed."));
        else reject(new XmgrError("usage", "Cancelled: nothing was changed."));
      });
      this.emit({ ask: safeQuestion(question) });
    });
  }
}

export class Keeper {
  private server?: Server;
  private idleTimer?: NodeJS.Timeout;
  private queue: Promise<void> = Promise.resolve();
  private busy = 0;
  private ending = false;
  private hints?: FSWatcher;
  /** Early runs by the pid of the process that hinted them, until it comes (or EARLY_KEPT_MS passes). */
  private readonly early = new Map<number, EarlyRun>();
  /** The last client's environment, which an early run is started with (and must match). */
  private lastEnv?: Record<string, string>;
  private lastPid?: number;

  constructor(
    private readonly paths: KeepPaths,
    private readonly key: string,
    private readonly own: XmppSettings,
    private readonly login: LoggedIn,
    private readonly idleMs: number,
  ) {}

  async listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    const umask = process.umask(0o077);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.paths.socket, () => resolve());
      });
    } finally {
      process.umask(umask);
    }
    this.login.session.onClosed(() => void this.end());
    this.hints = watchHints(this.paths.folder, (hint) => this.onHint(hint));
    this.armIdle();
  }

  /** Starts the hinted command (after any running one) when it is this session's; true when it was this session's. */
  private onHint(hint: Hint): boolean {
    const env = this.lastEnv;
    if (!env || keepPaths(hint.args, env)?.socket !== this.paths.socket) return false;
    for (const [pid, early] of this.early) if (Date.now() - early.hintedAt >= EARLY_KEPT_MS) this.early.delete(pid);
    // A hint read after its own command came (a busy machine) is too late to help.
    if (this.ending || hint.pid === this.lastPid || keepRefused(hint.args, env)) return true;
    let cwd: string;
    try {
      cwd = realpathSync(hint.cwd);
    } catch {
      return true;
    }
    const hello: Hello = { key: "", args: hint.args, env, cwd, tty: { stdin: hint.stdinIsTerminal, stdout: false, stderr: hint.stderrIsTerminal }, pid: hint.pid };
    const early: EarlyRun = { hello, hintedAt: Date.now(), frames: [] };
    this.early.set(hint.pid, early);
    this.enqueue(async () => {
      try {
        if (!this.ending) early.code = await new KeptRun((frame) => early.frames.push(frame), hello, this.own, this.login, true).run();
      } catch {
        // declined: its process runs it as usual
      }
    });
    return true;
  }

  /** Runs `work` after what is queued; the idle time counts only while nothing is queued or running. */
  private enqueue(work: () => Promise<void>): void {
    this.busy++;
    clearTimeout(this.idleTimer);
    this.queue = this.queue.then(async () => {
      try {
        await work();
      } finally {
        this.busy--;
        if (!this.ending) this.armIdle();
      }
    });
  }

  /** The early run started for this client's very command, if there is one. */
  private earlyRunFor(hello: Hello): EarlyRun | undefined {
    if (typeof hello.pid !== "number") return undefined;
    const early = this.early.get(hello.pid);
    if (!early) return undefined;
    this.early.delete(hello.pid);
    return Date.now() - early.hintedAt < EARLY_KEPT_MS && sameCommand(early.hello, hello) ? early : undefined;
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.busy === 0) this.idleTimer = setTimeout(() => void this.end(), this.idleMs);
  }

  private accept(socket: Socket): void {
    let greeted = false;
    socket.on("error", () => undefined);
    // The first frame only; KeptRun reads the answers after it.
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const newline = buffered.indexOf(10);
      if (newline < 0) {
        if (buffered.length > 1 << 20) socket.destroy();
        return;
      }
      socket.off("data", onData);
      greeted = true;
      const rest = buffered.subarray(newline + 1);
      let hello: Hello;
      try {
        hello = JSON.parse(buffered.subarray(0, newline).toString("utf8")) as Hello;
      } catch {
        return void socket.destroy();
      }
      if (!this.keyMatches(hello.key)) return void socket.destroy();
      if (rest.length) socket.unshift(rest);
      this.serve(socket, hello);
    };
    let buffered = Buffer.alloc(0);
    socket.on("data", onData);
    setTimeout(() => {
      if (!greeted) socket.destroy();
    }, 5000).unref();
  }

  private keyMatches(key: unknown): boolean {
    if (typeof key !== "string") return false;
    const given = Buffer.from(key);
    const expected = Buffer.from(this.key);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private serve(socket: Socket, hello: Hello): void {
    if (hello.stop) {
      send(socket, { stopped: true });
      socket.end();
      void this.end();
      return;
    }
    if (!Array.isArray(hello.args) || hello.args.some((arg) => typeof arg !== "string") || typeof hello.env !== "object" || !hello.env || !hello.tty) return void socket.destroy();
    const early = this.earlyRunFor(hello);
    this.lastEnv = hello.env;
    this.lastPid = hello.pid;
    this.enqueue(async () => {
      if (this.ending || socket.destroyed) return void socket.destroy();
      // A client that goes away mid-command (Ctrl-C, killed) ends the kept session at once, as
      // the end of its process would end a one-shot run: the command must not run on unseen
      // (xmpp ping -c 1000) while the next ones wait.
      let finished = false;
      socket.once("close", () => {
        if (!finished) void this.end(true);
      });
      try {
        // An early run is ahead in the queue: done by now, its output is this client's.
        if (early?.code !== undefined) {
          for (const frame of early.frames) send(socket, frame);
          send(socket, { exit: early.code });
          return;
        }
        const code = await socketRun(socket, hello, this.own, this.login).run();
        send(socket, { exit: code });
      } catch {
        send(socket, { decline: true });
      } finally {
        finished = true;
        socket.end();
      }
    });
  }

  /** `now`: without letting the running command finish. */
  async end(now = false): Promise<void> {
    if (this.ending && !now) return;
    this.ending = true;
    clearTimeout(this.idleTimer);
    this.hints?.close();
    this.server?.close();
    for (const path of [this.paths.socket, this.paths.key]) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
    if (!now) await this.queue;
    await this.login.session.close();
    process.exit(0);
  }
}

/** What the starting command hears: "ready", or why not (src/keep/spawn.ts). */
export type Readiness = { ready: true } | { ready: false; failure?: { message: string; hint?: string; exitCode: number } };

/**
 * Failures a one-shot run would meet the same way (the server cannot be reached, is not trusted,
 * does not answer): the starting command reports them rather than waiting for them again.
 */
const SAME_FOR_ONE_SHOT: readonly number[] = [ExitCode.connection, ExitCode.tls, ExitCode.timeout];

/**
 * The kept-session process's main: logs in with what needs no prompt, then listens. `ready` is
 * told once it listens, or that it could not start (the command then runs one-shot, or reports
 * the failure a one-shot run would meet too).
 */
export async function serveKept(args: string[], idleMs: number, ready: (readiness: Readiness) => void): Promise<void> {
  let globals: GlobalOptions | undefined;
  const program = silentProgram(args, async (_def, _args, _options, command) => {
    globals = command.optsWithGlobals<GlobalOptions>();
  });
  try {
    await program.parseAsync(args, { from: "user" });
    const paths = keepPaths(args);
    if (!globals || !paths) throw new Error("nothing to keep");
    const settings = new Settings(globals);
    const xmpp = settings.xmpp();
    if (xmpp.insecure) throw new Error("not with --insecure");
    makeKeepFolder(paths.folder);
    await claimSocketPath(paths.socket);
    const silent = new Output({ json: false, verbose: false }, devNull, devNull);
    const login = await openLoggedIn(xmpp, silent);
    // Logged in: it never logs in again, so the password it may have had in its environment goes.
    delete process.env.XMGR_PASSWORD;
    const key = randomBytes(32).toString("base64url");
    writePrivateFile(paths.key, `${key}\n`);
    const keeper = new Keeper(paths, key, xmpp, login, idleMs);
    await keeper.listen();
    // What ps shows, instead of the command line of the run that started it.
    process.title = `xmgr kept session (profile ${xmpp.profile}, ${String(xmpp.jid)})`;
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.once(signal, () => void keeper.end());
    ready({ ready: true });
  } catch (error) {
    const same = error instanceof XmgrError && SAME_FOR_ONE_SHOT.includes(error.exitCode);
    // Redacted here, where the secrets it read are known (src/output/secrets.ts).
    ready(same ? { ready: false, failure: { message: redactSecrets(error.message), hint: error.hint && redactSecrets(error.hint), exitCode: error.exitCode } } : { ready: false });
    process.exit(0);
  }
}

const devNull = { write: (_text: unknown, callback?: () => void) => (callback?.(), true), isTTY: false } as unknown as NodeJS.WriteStream;

/** Tells the starting command (fd 3, a pipe) whether the kept session listens, then lets go of it. */
export function readyPipe(fd = 3): (readiness: Readiness) => void {
  return (readiness) => {
    try {
      writeSync(fd, `${JSON.stringify(readiness)}\n`);
      closeSync(fd);
    } catch {
      // the starting command is gone
    }
  };
}
