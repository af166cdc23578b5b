// The interactive shell on a terminal: a prompt naming the account and server, line editing and
// history (node:readline), tab completion, and Ctrl-C that cancels the running command, not the
// shell. The line editor is closed while a command runs, so the terminal is the command's: a
// password prompt works, and Ctrl-C reaches xmgr as SIGINT.
import { createInterface } from "node:readline";
import { shellCompleter } from "./completer.js";
import { HISTORY_SIZE, History } from "./history.js";
import { DirectSink, ShellOutput } from "./output.js";
import { asXmgrError } from "../errors.js";
import { prepare, type Outcome, type ShellEnv } from "./statement.js";
import { splitStatements } from "./split.js";

const EOF = Symbol("eof");
const INTERRUPT = Symbol("interrupt");
export const CANCELLED_STATUS = 130;

export interface ReplOptions {
  history: History;
  /** e.g. "127.0.0.1:5222", or the JID's domain. */
  server: string;
}

export async function runRepl(env: ShellEnv, options: ReplOptions): Promise<number> {
  const outputFor = (sink: DirectSink) => new ShellOutput({ json: env.json, verbose: env.verbose, painters: env.painters }, sink);

  const greeting = outputFor(new DirectSink());
  let account: string;
  try {
    account = (await env.sessions.login(greeting)).account;
  } catch (error) {
    const failure = asXmgrError(error);
    greeting.fail(failure);
    return failure.exitCode;
  }
  env.seenJids.add(account);
  greeting.note(`Logged in as ${account} (${options.server}). Type help for the commands; quit or Ctrl-D leaves.`);

  // Short: the greeting above named the server.
  const prompt = `${account}> `;
  const completer = shellCompleter(() => env.seenJids);
  const pending: string[] = [];
  let status = 0;
  let lineNumber = 0;
  for (;;) {
    if (pending.length === 0) {
      const read = await readLines(prompt, options.history.entries, completer);
      if (read === EOF) {
        process.stderr.write("\n");
        break;
      }
      if (read === INTERRUPT) continue;
      pending.push(...read);
    }
    const line = pending.shift()!;
    lineNumber++;
    options.history.add(line);
    let quit = false;
    for (const text of splitStatements(line)) {
      const outcome = await runCancellable(prepare(text, lineNumber, env), outputFor);
      if (outcome.status === CANCELLED_STATUS) pending.length = 0; // drop what was typed ahead too
      if (outcome.quit) {
        quit = true;
        break;
      }
      status = outcome.status; // "a; b" runs both, as in sh; the last one's status counts
    }
    if (quit) break;
  }
  return status;
}

/** Runs one command; Ctrl-C abandons it: its output is muted and the prompt comes back. */
async function runCancellable(prepared: ReturnType<typeof prepare>, outputFor: (sink: DirectSink) => ShellOutput): Promise<Outcome> {
  const sink = new DirectSink();
  let onInterrupt = () => {};
  const cancelled = new Promise<Outcome>((resolve) => {
    onInterrupt = () => {
      sink.muted = true;
      process.stderr.write("\n! Cancelled. A request already sent may still take effect on the server.\n");
      resolve({ status: CANCELLED_STATUS });
    };
  });
  process.on("SIGINT", onInterrupt);
  try {
    return await Promise.race([prepared.run(outputFor(sink)), cancelled]);
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}

/** One prompt: the line typed, or several when a paste held more than one; EOF on Ctrl-D. */
function readLines(prompt: string, history: string[], completer: ReturnType<typeof shellCompleter>): Promise<string[] | typeof EOF | typeof INTERRUPT> {
  if (process.stdin.readableEnded) return Promise.resolve(EOF); // Ctrl-D typed while a command ran
  const rl = createInterface({
    input: process.stdin,
    output: process.stderr,
    terminal: Boolean(process.stderr.isTTY),
    completer,
    history: [...history],
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    tabSize: 4,
  });
  return new Promise((resolve) => {
    const lines: string[] = [];
    let settled = false;
    const finish = (result: string[] | typeof EOF | typeof INTERRUPT) => {
      if (settled) return;
      settled = true;
      rl.close();
      resolve(result);
    };
    rl.on("line", (line) => {
      lines.push(line);
      // Lines pasted together arrive in one go: take them all before closing the editor.
      if (lines.length === 1) setImmediate(() => finish(lines));
    });
    rl.on("SIGINT", () => {
      process.stderr.write("^C\n");
      finish(INTERRUPT);
    });
    rl.on("close", () => finish(lines.length > 0 ? lines : EOF));
    rl.setPrompt(prompt);
    rl.prompt();
  });
}
