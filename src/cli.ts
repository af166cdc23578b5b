// The one-shot run: argv through the commander program (src/program.ts, built from the command
// table), the command run over a session of its own, and the one place where failures become a
// "! message" on stderr and an exit code. Network stacks load only when a command needs them.
import type { Command } from "commander";
import { CommanderError } from "commander";
import { ExitCode, XmgrError, asXmgrError, exitKind, inCommandWords } from "./errors.js";
import type { GlobalOptions } from "./config/settings.js";
import { buildProgram, commandsNamedIn, type Runner } from "./program.js";
import { commandPath, type CommandDef, type Values } from "./commands/define.js";
import type { Settings } from "./config/settings.js";
import { keepable, shellQuoted } from "./keep/keepable.js";
import { KEEPER_VARIABLE } from "./keep/where.js";
import { SECTIONS } from "./commands/index.js";

async function context(command: Command, def: CommandDef) {
  const options = command.optsWithGlobals<GlobalOptions>();
  const [{ Settings }, { Output }, { paintersFor }, { startSpinner }] = await Promise.all([import("./config/settings.js"), import("./output/output.js"), import("./output/paint.js"), import("./output/spinner.js")]);
  // A spinner while waiting on a server; not for local commands, nor the shell, which has the terminal to itself.
  const streams = def.transport !== "local" && commandPath(def) !== "shell" ? startSpinner() : [];
  const output = new Output({ json: Boolean(options.json), verbose: Boolean(options.verbose), painters: await paintersFor(options.color !== false) }, ...streams);
  activeOutput = output;
  return [new Settings(options), output] as const;
}

let activeOutput: { fail(error: XmgrError): void } | undefined;

async function report(error: unknown, verbose: boolean): Promise<number> {
  const failure = asXmgrError(error);
  if (!activeOutput) {
    const [{ Output }, { paintersFor }] = await Promise.all([import("./output/output.js"), import("./output/paint.js")]);
    activeOutput = new Output({ json: process.argv.slice(2).includes("--json"), verbose, painters: await paintersFor(!process.argv.includes("--no-color")) });
  }
  activeOutput.fail(failure);
  if (verbose && !(error instanceof XmgrError) && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  return failure.exitCode;
}

/**
 * A command a kept session could run, with none yet for this profile and account (the small
 * entry found none): starts one and runs the command there, giving its exit code. Undefined when
 * it is not to be kept or could not start: the command then runs here as always. A login failure
 * that a run here would meet too (the server unreachable or untrusted) is given as `loginFailure`,
 * for the command to meet at its login without trying again.
 */
async function viaNewKeptSession(def: CommandDef, command: Command, settings: Settings): Promise<number | { loginFailure: XmgrError } | undefined> {
  if (!keepable(def) || command.optsWithGlobals<GlobalOptions>().verbose) return undefined;
  const idleMs = settings.keepIdleMs();
  if (idleMs === undefined) return undefined;
  const [{ startKeeper, loginWithoutPrompt }, { runKept, usableSession, answers }, { keepPaths }] = await Promise.all([
    import("./keep/spawn.js"),
    import("./keep/client.js"),
    import("./keep/where.js"),
  ]);
  const args = process.argv.slice(2);
  // One is there and declined this command (other settings, -v): a second one could not start.
  // (A stale socket, of a killed one, is replaced.)
  const there = usableSession(keepPaths(args));
  if (there && (await answers(there.paths.socket))) return undefined;
  const login = loginWithoutPrompt(settings);
  if (!login) return undefined;
  const started = await startKeeper(args, idleMs, settings.connection().timeoutMs, login === "password");
  if (!started.ready) {
    // The server could not be reached (or trusted): a run here would wait for that again.
    if (started.failure) return { loginFailure: new XmgrError(exitKind(started.failure.exitCode), started.failure.message, started.failure.hint) };
    return undefined;
  }
  return runKept(args);
}

/** Runs one command of the table: confirmation first if it is destructive, then its work. */
async function runOnce(def: CommandDef, args: Values, options: Values, command: Command): Promise<number | void> {
  const [settings, output] = await context(command, def);
  const kept = await viaNewKeptSession(def, command, settings);
  if (typeof kept === "number") return kept;
  // Not before: a kept session's run writes its own output.
  const { beginSpinner } = await import("./output/spinner.js");
  beginSpinner();
  const [{ terminalPrompts }, { oneShotSession }] = await Promise.all([import("./config/prompt.js"), import("./commands/xmpp-session.js")]);
  const commandLine = `xmgr ${process.argv.slice(2).map(shellQuoted).join(" ")}`;
  const failed = () => Promise.reject(kept && kept.loginFailure);
  const sessions = kept ? { use: failed, fresh: failed } : oneShotSession(settings, output);
  const { completeArgs } = await import("./commands/complete-args.js");
  args = await completeArgs(def, args, settings, sessions);
  if (def.destructive) {
    const { confirmDestructive } = await import("./commands/confirm.js");
    await confirmDestructive(def, args, options, terminalPrompts, commandLine, sessions);
  }
  try {
    const { runTruthfully } = await import("./commands/lost-answer.js");
    return await runTruthfully(def, { settings, output, sessions, prompts: terminalPrompts, inShell: false, commandLine }, args, options);
  } catch (error) {
    throw inCommandWords(error, commandPath(def));
  }
}

/** `ran`: told which command ran ("user clients", "muc kick", …), for src/start.ts's code cache. */
export async function main(argv: string[], ran?: (command: string) => void): Promise<void> {
  const keeperIdleMs = process.env[KEEPER_VARIABLE];
  if (keeperIdleMs) {
    delete process.env[KEEPER_VARIABLE];
    const { serveKept, readyPipe } = await import("./keep/keeper.js");
    return serveKept(argv.slice(2), Number(keeperIdleMs), readyPipe());
  }
  // A reader that went away (xmgr --help | head -1) ends xmgr quietly, not with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    });
  }
  const verbose = argv.includes("-v") || argv.includes("--verbose");
  let status: number | undefined;
  const runner: Runner = async (def, args, options, command) => {
    ran?.(commandPath(def));
    const returned = await runOnce(def, args, options, command);
    if (typeof returned === "number") status = returned;
  };
  // Bare `xmgr` (or `xmgr SECTION`) is a request for help, as with gh: on stdout, status 0.
  const words = argv.slice(2);
  if (words.length === 0 || (words.length === 1 && Object.hasOwn(SECTIONS, words[0]))) argv = [...argv, "--help"];
  const program = buildProgram(runner, commandsNamedIn(argv));
  const overrideExits = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(overrideExits);
  };
  overrideExits(program);
  let code: number = ExitCode.ok;
  try {
    await program.parseAsync(argv);
    code = status ?? ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      code = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    } else {
      code = await report(error, verbose);
    }
  }
  process.exitCode = code;
  // Exit as soon as the output is out, not when the last socket or timer has let go.
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write("", resolve))));
  process.exit(code);
}
