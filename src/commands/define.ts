// What a command declares about itself. One file per command (src/commands/SECTION/NAME.ts)
// exports one `defineCommand({...})`; src/commands/index.ts lists them. From that list come the
// commander program and every --help (src/program.ts), the shell's parser, help, completion and
// call form (src/shell/), the bash/zsh/fish completion scripts, and the documentation test.
import type { Settings } from "../config/settings.js";
import type { Output } from "../output/output.js";
import type { SessionSource } from "./xmpp-session.js";
import type { CheckVerdict } from "./lost-answer.js";
import type { Dialect } from "../protocol/dialects/dialect.js";

/** What an argument holds: for completion (JIDs seen in the shell, file names) and for the help. */
export type ArgKind = "account" | "jid" | "fulljid" | "room" | "host" | "module" | "node" | "selector" | "nick" | "text" | "field" | "word";

export interface ArgSpec {
  name: string;
  kind: ArgKind;
  help: string;
  optional?: boolean;
  /** Takes the rest of the words (one or more; none too when optional). Only the last argument. */
  variadic?: boolean;
  /** The only values it takes (e.g. completion's shells). */
  choices?: readonly string[];
}

export interface OptionSpec {
  /** "--url"; the value's key is its camelCase name ("--http-server" → httpServer). */
  long: string;
  short?: string;
  /** The placeholder of the value it takes ("URL"); a flag when absent. */
  value?: string;
  help: string;
  /** Given several times, it collects every value (in a string[]). */
  repeatable?: boolean;
  /** Its value is a file name (completion offers files). */
  file?: boolean;
}

/**
 * How a command may overlap with its neighbours in a shell batch: consecutive "read" commands, and
 * consecutive "write" commands of the same command (several `user revoke_client`), are sent without
 * waiting for each other's answers; "alone" waits until everything before it has finished, and
 * nothing starts before it has finished.
 */
export type BatchKind = "read" | "write" | "alone";

/** What a destructive command is about to do, for the confirmation (src/commands/confirm.ts). */
export interface Confirmation {
  /** What will happen, exactly: "Delete the account alice@example.com and all its data". */
  action: string;
  /** For what cannot be undone: the text the user must type to go on (the account, the room). */
  typeToConfirm?: string;
}

/** Asking the person at the terminal. */
export interface Prompts {
  /** Whether there is a terminal to ask on. */
  readonly canAsk: boolean;
  /** A line typed with echo. */
  line(question: string): Promise<string>;
  /** A secret typed without echo (registered for redaction). */
  secret(question: string): Promise<string>;
}

/** What a command's run gets: everything it touches outside itself. */
export interface CommandContext {
  settings: Settings;
  output: Output;
  /** The logged-in XMPP session: one per command, or the one a shell keeps open. */
  sessions: SessionSource;
  prompts: Prompts;
  /** Set inside `xmgr shell`. */
  inShell: boolean;
  /** The command as typed (`xmgr …` or the shell's statement): for a refusal's "add --yes" hint. */
  commandLine: string;
}

export type Values = Record<string, unknown>;

export interface CommandDef<A extends object = Values, O extends object = Values> {
  /** "user"; absent for a top-level command (xmgr logout). */
  section?: string;
  name: string;
  aliases?: string[];
  /** One line, lower case, no full stop: "list the clients that have access to an account". */
  summary: string;
  /** More text for --help and the shell's help, when the summary is not enough. */
  details?: string;
  args: ArgSpec[];
  options?: OptionSpec[];
  /** Command lines (without the leading "xmgr "), shown under Examples: in --help. */
  examples: string[];
  /** What it speaks: xmpp needs the logged-in session; http and local do not. */
  transport: "xmpp" | "http" | "local";
  batch: BatchKind | ((args: A, options: O, ownClientId: () => string | undefined) => BatchKind);
  /** Present for destructive commands: --yes is added, and the runner confirms before run. */
  destructive?: (args: A, options: O) => Confirmation;
  /**
   * For a destructive command: checks its arguments against the login's server before the
   * confirmation is asked, throwing what the run would refuse (nobody should confirm that).
   */
  beforeConfirming?: (args: A, options: O, dialect: Dialect) => void;
  /**
   * False for a command that a kept session (src/keep/) must not run: it asks for or reads a
   * secret, or handles Ctrl-C itself. Only "xmpp" commands run there at all.
   */
  kept?: false;
  /**
   * A kept session may start a "read" command as soon as bin/xmgr starts, before the command's
   * own process has loaded (src/keep/early.ts); false for a read that may run long.
   */
  startsEarly?: false;
  /** For a write: how to see whether it happened, said when its answer is lost ("xmgr user info JID"). */
  check?: (args: A) => string;
  /** For a write whose answer was lost: looks, over a new session (sessions.fresh), whether it happened. */
  verify?: (context: CommandContext, args: A, options: O) => Promise<CheckVerdict>;
  /** Whether `xmgr shell` offers it (default true). */
  inShell?: boolean;
  /** Does the work; a number it returns is the exit status. */
  run(context: CommandContext, args: A, options: O): Promise<void | number>;
}

/** Keeps a command's argument and option types while the table holds them all as CommandDef. */
export function defineCommand<A extends object = Values, O extends object = Values>(def: CommandDef<A, O>): CommandDef {
  return def as unknown as CommandDef;
}

/** "user clients", "logout". */
export function commandPath(def: CommandDef): string {
  return def.section ? `${def.section} ${def.name}` : def.name;
}

/** The options a command accepts: its own, and --yes for destructive ones. */
export function optionsOf(def: CommandDef): OptionSpec[] {
  const own = def.options ?? [];
  return def.destructive ? [...own, YES_OPTION] : own;
}

export const YES_OPTION: OptionSpec = { long: "--yes", short: "-y", help: "do it without asking for confirmation (needed without a terminal)" };

/** "--http-server" → "httpServer", as commander names option values. */
export function optionKey(option: OptionSpec): string {
  return option.long.slice(2).replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** "JID SELECTOR", "ROOM NICK [REASON]", "JID...". */
export function argsUsage(def: CommandDef): string {
  return def.args
    .map((arg) => {
      const name = arg.name.toUpperCase() + (arg.variadic ? "..." : "");
      return arg.optional ? `[${name}]` : name;
    })
    .join(" ");
}

/** The fewest and most arguments a command takes. */
export function arity(def: CommandDef): { min: number; max: number } {
  const min = def.args.filter((arg) => !arg.optional).length;
  const max = def.args.some((arg) => arg.variadic) ? Infinity : def.args.length;
  return { min, max };
}

/** The words given for a command's arguments, by argument name (a variadic one gets string[]). */
export function argsByName(def: CommandDef, words: string[]): Values {
  const values: Values = {};
  def.args.forEach((arg, index) => {
    values[arg.name] = arg.variadic ? words.slice(index) : words[index];
  });
  return values;
}

export function batchKind(def: CommandDef, args: Values, options: Values, ownClientId: () => string | undefined): BatchKind {
  return typeof def.batch === "function" ? def.batch(args, options, ownClientId) : def.batch;
}
