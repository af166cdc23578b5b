// The commander program, built from the command table: sections, commands, their arguments,
// options, help and examples. Knows no command by name.
import { Argument, Command, Option } from "commander";
import { COMMANDS, SECTIONS, findCommand } from "./commands/index.js";
import { argsByName, optionsOf, type CommandDef, type Values } from "./commands/define.js";
import { VERSION } from "./version.js";
import { usageText } from "./output/output.js";

/** Runs a command of the table with its parsed arguments and options (cli.ts). */
export type Runner = (def: CommandDef, args: Values, options: Values, command: Command) => Promise<void>;

function examplesText(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => (line ? `  ${line}` : "")).join("\n")}\n`;
}

/** A paragraph wrapped at the terminal's width (80 columns elsewhere, at most 100). */
export function wrapped(text: string, columns = Math.min(process.stdout.columns || 80, 100)): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/ +/)) {
    if (line && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join("\n");
}

const HELP_WORDS = new Set(["-h", "--help", "help"]);

/**
 * The commands to build for a command line: those its words name (a section followed by a command
 * or alias, or a top-level command); all of them for help, or when the words name none (commander
 * then says what exists). Building all ~70 costs every run a few ms.
 */
export function commandsNamedIn(argv: string[]): readonly CommandDef[] {
  if (argv.some((word) => HELP_WORDS.has(word))) return COMMANDS;
  const named = new Set(argv.flatMap((word, i) => [findCommand(undefined, word), findCommand(word, argv[i + 1] ?? "")]));
  return COMMANDS.some((def) => named.has(def)) ? COMMANDS.filter((def) => named.has(def)) : COMMANDS;
}

/** Advice after a usage error; none with --json, where the error is one JSON line that holds it as its hint (usageText). */
const HELP_AFTER_ERROR = !process.argv.slice(2).includes("--json") && "(run with --help for usage)";

/** The program with the given commands (by default all: for help, completion and tests). */
export function buildProgram(runner?: Runner, commands: readonly CommandDef[] = COMMANDS): Command {
  const program = new Command("xmgr")
    .description("Administer an XMPP server (Prosody 13, ejabberd) from anywhere: prosodyctl shell's commands over XMPP and HTTP.")
    .version(VERSION, "-V, --version")
    .option("--profile <name>", "config file profile to use (env XMGR_PROFILE)")
    .option("--jid <jid>", "account to log in as (env XMGR_JID)")
    .option("--server <address>", "connect here: HOST[:PORT], xmpp://HOST[:PORT] or xmpps://HOST[:PORT] (env XMGR_SERVER)")
    .option("--password-file <file>", "read the password from the first line of FILE (mode 600)")
    .option("--ca <file>", "trust this CA or self-signed certificate (PEM), for XMPP and HTTPS (env XMGR_CA)")
    .option("--insecure", "do not verify the server's certificate (warns on every use)")
    .option("--timeout <seconds>", "limit for connecting, logging in and each request (default 10, env XMGR_TIMEOUT)")
    .option("-v, --verbose", "show the XML and HTTP exchanged, secrets redacted")
    .option("--json", "print results as JSON on stdout")
    .option("--no-color", "no colour, even on a terminal (also NO_COLOR)")
    .option("--no-keep", "neither use nor start a kept session for this command (also XMGR_KEEP=off)")
    // With --json the usage error is one JSON line (usageText), which holds this advice as its hint.
    .showHelpAfterError(HELP_AFTER_ERROR)
    // Every section's and command's --help lists --json, --jid… too (they work after the command's name).
    .configureHelp({ showGlobalOptions: true })
    // commander's own errors quote what was typed: control characters escaped, long words cut; JSON with --json.
    .configureOutput({ outputError: (text, write) => write(usageText(text, process.argv.slice(2).includes("--json"))) })
    .addHelpText(
      "after",
      examplesText([
        ...COMMANDS.filter((def) => def.section).slice(0, 3).map((def) => def.examples[0]),
        "",
        "Password: --password-file, XMGR_PASSWORD, the config file, or a prompt. See man xmgr.",
      ]),
    );

  const sections = new Map<string, Command>();
  const parentOf = (def: CommandDef): Command => {
    if (!def.section) return program;
    let section = sections.get(def.section);
    if (!section) {
      section = program.command(def.section).description(SECTIONS[def.section] ?? def.section).showHelpAfterError(HELP_AFTER_ERROR);
      sections.set(def.section, section);
    }
    return section;
  };

  for (const def of commands) {
    const command = parentOf(def).command(def.name).description(def.summary);
    for (const alias of def.aliases ?? []) command.alias(alias);
    for (const arg of def.args) {
      const name = `${arg.name}${arg.variadic ? "..." : ""}`;
      const argument = new Argument(arg.optional ? `[${name}]` : `<${name}>`, arg.help);
      if (arg.choices) argument.choices(arg.choices);
      command.addArgument(argument);
    }
    for (const spec of optionsOf(def)) {
      const flags = `${spec.short ? `${spec.short}, ` : ""}${spec.long}${spec.value ? ` <${spec.value.toLowerCase()}>` : ""}`;
      const option = new Option(flags, spec.help);
      if (spec.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
      command.addOption(option);
    }
    const notes = [
      ...(def.details ? [def.details] : []),
      ...(def.destructive ? ["Asks for confirmation on a terminal; elsewhere it refuses unless --yes is given."] : []),
    ];
    command.addHelpText("after", `${notes.length ? `\n${notes.map((note) => wrapped(note)).join("\n")}\n` : ""}${examplesText(def.examples)}`);
    command.action(async (...parsed: unknown[]) => {
      if (!runner) return;
      const self = parsed[parsed.length - 1] as Command;
      const options = self.opts<Values>();
      await runner(def, argsByName(def, self.args), options, self);
    });
  }
  return program;
}
