// Tab completion in the interactive shell: sections, commands, the call form ("user:cl" becomes
// "user:clients("), and the JIDs seen in this session where a command takes a JID.
import { BUILTINS, SHELL_COMMANDS as COMMANDS, SECTIONS, TOP_LEVEL, findCommand, optionNamed } from "./commands.js";
import { optionsOf, type CommandDef } from "../commands/define.js";

const JID_KINDS = new Set(["account", "jid", "fulljid", "room"]);
import { partialWords } from "./split.js";

export type Completer = (line: string) => [string[], string];

export function shellCompleter(seenJids: () => Iterable<string>): Completer {
  return (line) => {
    const { words, current, currentRaw } = partialWords(line);
    if (currentRaw !== current) return [[], currentRaw]; // inside quotes or escapes: leave it be
    const candidates = candidatesFor(words, current, [...seenJids()]);
    const hits = [...new Set(candidates.filter((candidate) => candidate.startsWith(current)))].sort();
    const single = hits.length === 1 && !hits[0].endsWith("(");
    return [single ? [`${hits[0]} `] : hits, current];
  };
}

function candidatesFor(words: string[], current: string, jids: string[]): string[] {
  if (words.length === 0) {
    if (current.includes(":")) return COMMANDS.filter((command) => command.section).map((command) => `${command.section}:${command.name}(`);
    return [...SECTIONS, ...TOP_LEVEL, ...BUILTINS];
  }
  const [section, name] = words;
  if (section === "help") {
    if (words.length === 1) return [...SECTIONS, ...TOP_LEVEL];
    if (words.length === 2) return COMMANDS.filter((command) => command.section === name).map((command) => command.name);
    return [];
  }
  const topLevel = findCommand(undefined, section);
  if (topLevel) return argumentCandidates(topLevel, words.slice(1), current, jids);
  if (words.length === 1) return COMMANDS.filter((command) => command.section === section).map((command) => command.name);
  const command = findCommand(section, name);
  return command ? argumentCandidates(command, words.slice(2), current, jids) : [];
}

/** What may come next after a command's name and `typed` words: its options, or what its argument takes. */
function argumentCandidates(command: CommandDef, typed: string[], current: string, jids: string[]): string[] {
  if (current.startsWith("--")) return optionsOf(command).map((option) => option.long);
  const previous = typed[typed.length - 1];
  if (previous !== undefined && optionNamed(command, previous)?.value) return [];
  let position = 0;
  for (let index = 0; index < typed.length; index++) {
    const option = optionNamed(command, typed[index]);
    if (option) index += option.value ? 1 : 0;
    else position++;
  }
  const arg = command.args[Math.min(position, command.args.length - 1)];
  if (!arg || (position >= command.args.length && !arg.variadic)) return [];
  if (arg.choices) return [...arg.choices];
  return JID_KINDS.has(arg.kind) ? jids : [];
}
