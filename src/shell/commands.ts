// The shell's view of the command table (src/commands/index.ts): which commands it offers,
// turning a statement's words into one of them with its arguments and options checked, and help.
import { usageError } from "../errors.js";
import { didYouMean } from "./did-you-mean.js";
import { COMMANDS, findCommand as findInTable } from "../commands/index.js";
import { argsByName, argsUsage, arity, optionKey, optionsOf, type BatchKind, type CommandDef, type OptionSpec, type Values } from "../commands/define.js";

export type Kind = BatchKind;

/** The commands the shell offers: all but those that say otherwise (shell, completion, logout). */
export const SHELL_COMMANDS = COMMANDS.filter((def) => def.inShell !== false);
export const SECTIONS = [...new Set(SHELL_COMMANDS.flatMap((def) => (def.section ? [def.section] : [])))];
/** Commands without a section (announce): their name is the first word. */
export const TOP_LEVEL = SHELL_COMMANDS.filter((def) => !def.section).map((def) => def.name);
export const BUILTINS = ["help", "clear", "quit", "exit"];

/** A command the shell offers: findCommand("user", "clients"), or findCommand(undefined, "announce"). */
export function findCommand(section: string | undefined, name: string): CommandDef | undefined {
  const def = findInTable(section, name);
  return def && SHELL_COMMANDS.includes(def) ? def : undefined;
}

/** "user clients", "announce". */
const pathOf = (def: CommandDef) => (def.section ? `${def.section} ${def.name}` : def.name);

/** The option a word names ("--url", "-y"), if the command has it. */
export function optionNamed(def: CommandDef, word: string): OptionSpec | undefined {
  return optionsOf(def).find((option) => option.long === word || option.short === word);
}

export interface Resolved {
  command: CommandDef;
  words: string[];
  args: Values;
  options: Values;
  /** --json in the statement: this command's output as JSON, whatever the shell's. */
  json: boolean;
}

/** The command a statement's words name, with its arguments checked. Throws usage errors. */
export function resolveCommand(words: string[]): Resolved {
  const topLevel = findCommand(undefined, words[0]);
  if (topLevel) return resolveArguments(topLevel, words.slice(1));
  const [section, name, ...rest] = words;
  if (!SECTIONS.includes(section)) {
    throw usageError(`Unknown command: ${section}.${didYouMean(section, [...SECTIONS, ...TOP_LEVEL, ...BUILTINS])}`, `Sections: ${SECTIONS.join(", ")}; commands: ${TOP_LEVEL.join(", ")}. Type help for the commands.`);
  }
  const command = name === undefined ? undefined : findCommand(section, name);
  if (!command) {
    const names = SHELL_COMMANDS.filter((entry) => entry.section === section).map((entry) => entry.name);
    throw usageError(
      name === undefined ? `${section}: which command?` : `Unknown command: ${section} ${name}.${didYouMean(name, names, (found) => `${section} ${found}`)}`,
      `Commands in ${section}: ${names.join(", ")}. Type help ${section} for more.`,
    );
  }
  return resolveArguments(command, rest);
}

/** A command's words after its name: options and arguments, checked. */
function resolveArguments(command: CommandDef, rest: string[]): Resolved {
  const path = pathOf(command);
  const positional: string[] = [];
  const options: Values = {};
  let json = false;
  for (let index = 0; index < rest.length; index++) {
    const word = rest[index];
    if (word === "--json" && !optionNamed(command, word)) {
      json = true;
      continue;
    }
    if (word === "--") {
      positional.push(...rest.slice(index + 1));
      break;
    }
    // "--name" is always an option; "-x" only when it is one of the command's (a nickname may be -Bob).
    if ((word.startsWith("--") && word.length > 2) || (/^-\w$/.test(word) && optionNamed(command, word))) {
      const [flag, inline] = word.startsWith("--") && word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : [word, undefined];
      const option = optionNamed(command, flag);
      if (!option) throw usageError(`Unknown option ${flag} for ${path}.`, `Usage: ${usage(command)}`);
      const key = optionKey(option);
      if (!option.value) {
        if (inline !== undefined) throw usageError(`${flag} takes no value.`);
        options[key] = true;
        continue;
      }
      const value = inline ?? rest[++index];
      if (value === undefined) throw usageError(`${flag} needs a value.`, `Usage: ${usage(command)}`);
      options[key] = option.repeatable ? [...((options[key] as string[] | undefined) ?? []), value] : value;
      continue;
    }
    positional.push(word);
  }
  const { min, max } = arity(command);
  if (positional.length < min || positional.length > max) {
    const quoting = max > min && positional.length > max ? " Quote an argument that holds spaces." : "";
    const count = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw usageError(
      `${path} takes ${count} argument${max === 1 ? "" : "s"}, not ${positional.length}.${quoting}`,
      `Usage: ${usage(command)}`,
    );
  }
  command.args.forEach((arg, index) => {
    if (arg.choices && positional[index] !== undefined && !arg.choices.includes(positional[index])) {
      throw usageError(`Invalid ${arg.name} ${JSON.stringify(positional[index])}.`, `Choose one of: ${arg.choices.join(", ")}.`);
    }
  });
  return { command, words: positional, args: argsByName(command, positional), options, json };
}

export function usage(command: CommandDef): string {
  const options = optionsOf(command).map((option) => ` [${option.long}${option.value ? ` ${option.value}` : ""}]`);
  return `${pathOf(command)}${options.join("")} ${argsUsage(command)}`.trimEnd();
}

/** help, help SECTION, help SECTION COMMAND. */
export function helpText(topic: string[] = []): string {
  const [section, name] = topic;
  const topLevel = section === undefined ? undefined : findCommand(undefined, section);
  if (section && !topLevel && !SECTIONS.includes(section)) {
    throw usageError(`No help for ${section}.`, `Sections: ${SECTIONS.join(", ")}; commands: ${TOP_LEVEL.join(", ")}.`);
  }
  if (topLevel || (section && name)) {
    const command = topLevel ?? findCommand(section, name);
    if (!command) throw usageError(`Unknown command: ${section} ${name}.`, `Type help ${section}.`);
    const options = optionsOf(command).map((option) => `  ${option.long}${option.value ? ` ${option.value}` : ""}  ${option.help}`);
    const examples = command.examples.filter((line) => line.includes(`xmgr ${pathOf(command)}`));
    return [
      usage(command),
      `  ${command.summary}`,
      ...(command.details ? [`  ${command.details}`] : []),
      ...(command.destructive ? ["  Asks for confirmation on a terminal; in a batch it refuses unless --yes is given."] : []),
      ...(options.length ? ["Options:", ...options] : []),
      ...(examples.length ? ["Examples (as one-shot commands):", ...examples.map((line) => `  ${line}`)] : []),
    ].join("\n") + "\n";
  }
  const shown = SHELL_COMMANDS.filter((command) => !section || command.section === section);
  const rows = shown.map((command) => [`${pathOf(command)} ${argsUsage(command)}`.trimEnd(), command.summary]);
  if (!section) {
    rows.push(["help [SECTION [COMMAND]]", "this help"], ["clear", "clear the screen"], ["quit, exit", "leave the shell (Ctrl-D does too)"]);
  }
  const width = Math.max(...rows.map(([left]) => left.length));
  const lines = rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
  return [
    section ? `Commands in ${section}:` : "Commands:",
    ...lines,
    "",
    `prosodyctl shell's call form works too: user:clients("alice@example.com"). Quote arguments that hold spaces.`,
    "Any command takes --json for its own output as one JSON line.",
  ].join("\n") + "\n";
}
