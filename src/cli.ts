// The one-shot run: argv through the commander program (src/program.ts, built from the command
// table), the command run over a session of its own, and the one place where failures become a
// "! message" on stderr and an exit code. Network stacks load only when a command needs them.
import type { Command } from "commander";
import { CommanderError } from "commander";
import { ExitCode, XmgrError, asXmgrError } from "./errors.js";
import type { GlobalOptions } from "./config/settings.js";
import { buildProgram, commandsNamedIn, type Runner } from "./program.js";
import { commandPath, type CommandDef, type Values } from "./commands/define.js";

async function context(command: Command) {
  const options = command.optsWithGlobals<GlobalOptions>();
  const [{ Settings }, { Output }, { paintersFor }] = await Promise.all([import("./config/settings.js"), import("./output/output.js"), import("./output/paint.js")]);
  const output = new Output({ json: Boolean(options.json), verbose: Boolean(options.verbose), painters: await paintersFor(options.color !== false) });
  activeOutput = output;
  return [new Settings(options), output] as const;
}

let activeOutput: { fail(error: XmgrError): void } | undefined;

async function report(error: unknown, verbose: boolean): Promise<number> {
  const failure = asXmgrError(error);
  if (!activeOutput) {
    const [{ Output }, { paintersFor }] = await Promise.all([import("./output/output.js"), import("./output/paint.js")]);
    activeOutput = new Output({ json: false, verbose, painters: await paintersFor(!process.argv.includes("--no-color")) });
  }
  activeOutput.fail(failure);
  if (verbose && !(error instanceof XmgrError) && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  return failure.exitCode;
}

/** A word as a POSIX shell reads it back: quoted when it holds anything but plain characters. */
const shellQuoted = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`);

/** Runs one command of the table: confirmation first if it is destructive, then its work. */
async function runOnce(def: CommandDef, args: Values, options: Values, command: Command): Promise<number | void> {
  const [settings, output] = await context(command);
  const [{ terminalPrompts }, { oneShotSession }] = await Promise.all([import("./config/prompt.js"), import("./commands/xmpp-session.js")]);
  if (def.destructive) {
    const { confirmOrRefuse } = await import("./commands/confirm.js");
    await confirmOrRefuse(def.destructive(args, options), Boolean(options.yes), terminalPrompts, `xmgr ${process.argv.slice(2).map(shellQuoted).join(" ")}`);
  }
  const { runTruthfully } = await import("./commands/lost-answer.js");
  return runTruthfully(def, { settings, output, sessions: oneShotSession(settings, output), prompts: terminalPrompts, inShell: false }, args, options);
}

/** `ran`: told which command ran ("user clients", "muc kick", …), for src/start.ts's code cache. */
export async function main(argv: string[], ran?: (command: string) => void): Promise<void> {
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
