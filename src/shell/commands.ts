// The shell's commands: the one-shot commands' own functions (so the output is exactly theirs),
// their arguments, and how each may be pipelined in a batch.
import { usageError } from "../errors.js";
import type { Settings } from "../config/settings.js";
import type { SessionSource } from "../commands/xmpp-session.js";
import { listClients } from "../commands/user/clients.js";
import { namesOwnClient, revokeClient } from "../commands/user/revoke-client.js";
import { kick, type KickOptions } from "../commands/muc/kick.js";
import type { ShellOutput } from "./output.js";

/**
 * How a command may overlap with its neighbours in a batch: consecutive commands of the same
 * kind "read" or "write" are sent without waiting for each other's answers; "alone" waits until
 * everything before it has finished, and nothing starts before it has finished.
 */
export type Kind = "read" | "write" | "alone";

export interface CommandContext {
  settings: Settings;
  output: ShellOutput;
  sessions: SessionSource;
}

interface OptionSpec {
  key: string;
  value: boolean;
  help: string;
}

export interface CommandSpec {
  section: string;
  name: string;
  aliases: string[];
  /** e.g. "JID SELECTOR" */
  usage: string;
  summary: string;
  min: number;
  max: number;
  options: Record<string, OptionSpec>;
  /** Which arguments are JIDs (kept for tab completion). */
  jidArgs: number[];
  /** Runs over the shell's XMPP session. */
  xmpp: boolean;
  kind(args: string[], ownClientId: () => string | undefined): Kind;
  run(context: CommandContext, args: string[], options: Record<string, string | boolean>): Promise<void>;
}

export const COMMANDS: CommandSpec[] = [
  {
    section: "user",
    name: "clients",
    aliases: [],
    usage: "JID",
    summary: "list the clients that have access to an account",
    min: 1,
    max: 1,
    options: {},
    jidArgs: [0],
    xmpp: true,
    kind: () => "read",
    run: ({ sessions, output }, [jid]) => listClients(sessions, output, jid),
  },
  {
    section: "user",
    name: "revoke_client",
    aliases: ["revoke-client"],
    usage: "JID SELECTOR",
    summary: "take a client's access away (SELECTOR: client/ID, grant/ID, software/NAME[/VERSION])",
    min: 2,
    max: 2,
    options: {},
    jidArgs: [0],
    xmpp: true,
    // Revoking xmgr's own client closes the session every pipelined request shares: run it alone.
    kind: ([, selector], ownClientId) => (selector !== undefined && namesOwnClient(selector, ownClientId()) ? "alone" : "write"),
    run: ({ sessions, output }, [jid, selector]) => revokeClient(sessions, output, jid, selector),
  },
  {
    section: "muc",
    name: "kick",
    aliases: [],
    usage: "ROOM NICK [REASON]",
    summary: "kick an occupant out of a room (mod_http_muc_kick over HTTP)",
    min: 2,
    max: 3,
    options: {
      "--url": { key: "url", value: true, help: "the muc_kick endpoint" },
      "--http-server": { key: "httpServer", value: true, help: "connect here instead of the URL's host" },
      "--auth-file": { key: "authFile", value: true, help: "file holding the Authorization value" },
      "--allow-plain-http": { key: "allowPlainHttp", value: false, help: "allow http:// to a host that is not loopback" },
    },
    jidArgs: [0],
    xmpp: false,
    kind: () => "alone",
    run: ({ settings, output }, [room, nick, reason], options) => kick(settings, output, room, nick, reason, options as KickOptions),
  },
];

export const SECTIONS = [...new Set(COMMANDS.map((command) => command.section))];
export const BUILTINS = ["help", "quit", "exit"];

export function findCommand(section: string, name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.section === section && (command.name === name || command.aliases.includes(name)));
}

export interface Resolved {
  command: CommandSpec;
  args: string[];
  options: Record<string, string | boolean>;
}

/** The command a statement's words name, with its arguments checked. Throws usage errors. */
export function resolveCommand(words: string[]): Resolved {
  const [section, name, ...rest] = words;
  if (!SECTIONS.includes(section)) {
    throw usageError(`Unknown command: ${section}.`, `Sections: ${SECTIONS.join(", ")}. Type help for the commands.`);
  }
  const command = name === undefined ? undefined : findCommand(section, name);
  if (!command) {
    const names = COMMANDS.filter((entry) => entry.section === section).map((entry) => entry.name);
    throw usageError(
      name === undefined ? `${section}: which command?` : `Unknown command: ${section} ${name}.`,
      `Commands in ${section}: ${names.join(", ")}. Type help ${section} for more.`,
    );
  }
  const args: string[] = [];
  const options: Record<string, string | boolean> = {};
  for (let index = 0; index < rest.length; index++) {
    const word = rest[index];
    if (word === "--") {
      args.push(...rest.slice(index + 1));
      break;
    }
    if (word.startsWith("--") && word.length > 2) {
      const [flag, inline] = word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : [word, undefined];
      const option = command.options[flag];
      if (!option) throw usageError(`Unknown option ${flag} for ${section} ${command.name}.`, `Usage: ${usage(command)}`);
      if (!option.value) {
        if (inline !== undefined) throw usageError(`${flag} takes no value.`);
        options[option.key] = true;
      } else {
        const value = inline ?? rest[++index];
        if (value === undefined) throw usageError(`${flag} needs a value.`, `Usage: ${usage(command)}`);
        options[option.key] = value;
      }
      continue;
    }
    args.push(word);
  }
  if (args.length < command.min || args.length > command.max) {
    const quoting = command.max > command.min && args.length > command.max ? " Quote an argument that holds spaces." : "";
    throw usageError(
      `${section} ${command.name} takes ${command.min === command.max ? command.min : `${command.min} to ${command.max}`} argument${command.max === 1 ? "" : "s"}, not ${args.length}.${quoting}`,
      `Usage: ${usage(command)}`,
    );
  }
  return { command, args, options };
}

export function usage(command: CommandSpec): string {
  const options = Object.entries(command.options).map(([flag, option]) => ` [${flag}${option.value ? " VALUE" : ""}]`);
  return `${command.section} ${command.name}${options.join("")} ${command.usage}`;
}

/** help, help SECTION, help SECTION COMMAND. */
export function helpText(topic: string[] = []): string {
  const [section, name] = topic;
  if (section && !SECTIONS.includes(section)) {
    throw usageError(`No help for ${section}.`, `Sections: ${SECTIONS.join(", ")}.`);
  }
  if (section && name) {
    const command = findCommand(section, name);
    if (!command) throw usageError(`Unknown command: ${section} ${name}.`, `Type help ${section}.`);
    const options = Object.entries(command.options).map(([flag, option]) => `  ${flag}${option.value ? " VALUE" : ""}  ${option.help}`);
    return [`${usage(command)}`, `  ${command.summary}`, ...(options.length ? ["Options:", ...options] : [])].join("\n") + "\n";
  }
  const shown = COMMANDS.filter((command) => !section || command.section === section);
  const rows = shown.map((command) => [`${command.section} ${command.name} ${command.usage}`, command.summary]);
  if (!section) {
    rows.push(["help [SECTION [COMMAND]]", "this help"], ["quit, exit", "leave the shell (Ctrl-D does too)"]);
  }
  const width = Math.max(...rows.map(([left]) => left.length));
  const lines = rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
  return [
    section ? `Commands in ${section}:` : "Commands:",
    ...lines,
    "",
    `prosodyctl shell's call form works too: user:clients("alice@example.com"). Quote arguments that hold spaces.`,
  ].join("\n") + "\n";
}
