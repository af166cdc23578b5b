// xmgr shell: log in once, then run many commands over that session, interactively on a terminal
// or as a batch from stdin or -c. Returns the exit status.
import { join } from "node:path";
import { createInterface } from "node:readline";
import { usageError, quoted } from "../errors.js";
import { ProfileState } from "../config/state.js";
import type { Settings } from "../config/settings.js";
import type { Output } from "../output/output.js";
import { runBatch } from "./batch.js";
import { History, HISTORY_SIZE } from "./history.js";
import { runRepl } from "./repl.js";
import { PersistentSession } from "./session-source.js";
import { prepareWords, type ShellEnv } from "./statement.js";
import { DirectSink, ShellOutput } from "./output.js";
import { terminalPrompts } from "../config/prompt.js";
import type { Prompts } from "../commands/define.js";

/** A batch reads its commands from stdin: nothing to ask a person on. */
const NO_TERMINAL: Prompts = {
  canAsk: false,
  line: () => Promise.reject(usageError("No terminal to ask on.")),
  secret: () => Promise.reject(usageError("No terminal to ask on.")),
};

export interface ShellOptions {
  command?: string;
  /** One command's words, run as they are (xmgr shell -- user clients alice@example.com). */
  words?: string[];
  keepGoing?: boolean;
  maxInFlight?: string;
}

export const DEFAULT_MAX_IN_FLIGHT = 32;

export async function runShell(settings: Settings, output: Output, options: ShellOptions): Promise<number> {
  const maxInFlight = parseMaxInFlight(options.maxInFlight);
  const words = options.words ?? [];
  if (words.length > 0 && options.command !== undefined) throw usageError("Give either -c COMMANDS or one command's words after --, not both.");
  const interactive = options.command === undefined && words.length === 0 && Boolean(process.stdin.isTTY);
  const env: ShellEnv = {
    settings,
    sessions: new PersistentSession(settings, output),
    json: output.json,
    verbose: output.verbose,
    painters: output.painters,
    seenJids: new Set(),
    prompts: interactive ? terminalPrompts : NO_TERMINAL,
  };
  try {
    if (words.length > 0) {
      const outcome = await prepareWords(words, words.join(" "), 1, env).run(new ShellOutput({ json: env.json, verbose: env.verbose, painters: env.painters }, new DirectSink()));
      return outcome.status;
    }
    if (interactive) {
      const xmpp = settings.xmpp();
      const server = xmpp.server ? `${xmpp.server.host.includes(":") ? `[${xmpp.server.host}]` : xmpp.server.host}:${xmpp.server.port}` : xmpp.jid.domain;
      const state = new ProfileState(settings.profileName);
      const history = new History(join(state.dir, "history"), HISTORY_SIZE, state.root);
      return await runRepl(env, { history, server });
    }
    const lines = options.command !== undefined ? options.command.split(/\r?\n/) : createInterface({ input: process.stdin, crlfDelay: Infinity });
    return await runBatch(lines, env, { keepGoing: Boolean(options.keepGoing), maxInFlight });
  } finally {
    await env.sessions.close();
  }
}

function parseMaxInFlight(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_IN_FLIGHT;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 1024) {
    throw usageError(`Invalid --max-in-flight ${quoted(text)}: give a whole number from 1 to 1024.`);
  }
  return value;
}
