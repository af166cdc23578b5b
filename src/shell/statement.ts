// One statement of the shell, from its text to its outcome: parsed (shell form or call form),
// resolved to a command, run against the shell's session, and any failure reported the way the
// one-shot commands report it ("! message" on stderr; with --json also one error document).
import { XmgrError, asXmgrError, inCommandWords } from "../errors.js";
import { redactSecrets } from "../output/secrets.js";
import { errorJson } from "../output/output.js";
import { ProfileState } from "../config/state.js";
import type { Settings } from "../config/settings.js";
import { isCallForm, parseCallForm } from "./call-form.js";
import { BUILTINS, helpText, resolveCommand, type Kind } from "./commands.js";
import { batchKind, commandPath, type Prompts } from "../commands/define.js";
import { confirmDestructive } from "../commands/confirm.js";
import { AnswerLost, runTruthfully } from "../commands/lost-answer.js";
import { completeArgs } from "../commands/complete-args.js";
import type { Painters } from "../output/paint.js";
import type { ShellOutput } from "./output.js";
import type { PersistentSession } from "./session-source.js";
import { shellWords } from "./split.js";

export interface Outcome {
  /** 0, or the exit code of the failure. */
  status: number;
  /** Its request went out and no answer came: what it asked for may or may not have happened. */
  unanswered?: boolean;
  quit?: boolean;
}

export interface Prepared {
  text: string;
  line: number;
  kind: Kind;
  /** The command ("muc create"): a write is pipelined only behind writes of the same command. */
  command?: string;
  run(output: ShellOutput): Promise<Outcome>;
}

export interface ShellEnv {
  settings: Settings;
  sessions: PersistentSession;
  json: boolean;
  verbose: boolean;
  /** The shell's own colours, for each command's output. */
  painters: Painters;
  /** JIDs of commands that succeeded, and the logged-in account: for tab completion. */
  seenJids: Set<string>;
  /** The terminal on an interactive shell; none in a batch (destructive commands then need --yes). */
  prompts: Prompts;
}

const JID_KINDS = new Set(["account", "jid", "fulljid", "room"]);

export function prepare(text: string, line: number, env: ShellEnv): Prepared {
  let words: string[];
  try {
    words = isCallForm(text) ? parseCallForm(text) : shellWords(text);
  } catch (error) {
    return failed(text, line, env, error);
  }
  return prepareWords(words, text, line, env);
}

/** A statement already split into words (xmgr shell -- WORDS…: no quoting, no ";"). */
export function prepareWords(words: string[], text: string, line: number, env: ShellEnv): Prepared {
  const [first, ...rest] = words;
  if (first === "help" || first === "?") {
    return alone(text, line, env, async (output) => {
      const help = helpText(rest);
      if (output.json) output.jsonData({ help });
      else output.data(help);
    });
  }
  if (first === "clear") {
    if (rest.length > 0) return failed(text, line, env, new XmgrError("usage", "clear takes no arguments."));
    return alone(text, line, env, async () => {
      // Home, clear the screen and its scrollback; only where stdout is the terminal (nothing in a pipe).
      if (process.stdout.isTTY) process.stdout.write("\u001b[H\u001b[2J\u001b[3J");
    });
  }
  if (BUILTINS.includes(first)) {
    if (rest.length > 0) return failed(text, line, env, new XmgrError("usage", `${first} takes no arguments.`));
    return { text, line, kind: "alone", run: async () => ({ status: 0, quit: true }) };
  }
  let resolved: ReturnType<typeof resolveCommand>;
  try {
    resolved = resolveCommand(words);
  } catch (error) {
    return failed(text, line, env, error);
  }
  const { command, args, options } = resolved;
  let clientId: string | undefined;
  const ownClientId = () => (clientId ??= env.sessions.clientId ?? readClientId(env.settings.profileName));
  return {
    text,
    line,
    // Before the session is open, the first command logs in alone: commands pipelined behind it
    // would each report the same login failure.
    kind: command.transport === "xmpp" && !env.sessions.isOpen ? "alone" : batchKind(command, args, options, ownClientId),
    command: commandPath(command),
    run: (shellOutput) => {
      const output = resolved.json ? shellOutput.asJson() : shellOutput;
      return settle(text, line, env, output, async () => {
        const sessions = env.sessions.for(output);
        const completed = await completeArgs(command, args, env.settings, sessions);
        await confirmDestructive(command, completed, options, env.prompts, text, sessions);
        await runTruthfully(command, { settings: env.settings, output, sessions, prompts: env.prompts, inShell: true, commandLine: text }, completed, options).catch((error: unknown) => {
          throw inCommandWords(error, commandPath(command));
        });
        command.args.forEach((arg, index) => {
          const word = resolved.words[index];
          if (JID_KINDS.has(arg.kind) && word?.includes("@")) env.seenJids.add(word);
        });
      });
    },
  };
}

function alone(text: string, line: number, env: ShellEnv, work: (output: ShellOutput) => Promise<void>): Prepared {
  return { text, line, kind: "alone", run: (output) => settle(text, line, env, output, () => work(output)) };
}

function failed(text: string, line: number, env: ShellEnv, error: unknown): Prepared {
  return alone(text, line, env, () => Promise.reject(error));
}

async function settle(text: string, line: number, env: ShellEnv, output: ShellOutput, work: () => Promise<void>): Promise<Outcome> {
  try {
    await work();
    return { status: 0 };
  } catch (error) {
    const failure = asXmgrError(error);
    output.fail(failure);
    if (env.verbose && !(error instanceof XmgrError) && error instanceof Error && error.stack) output.note(error.stack);
    if (output.json) {
      // A message, not data: redacted like the "! …" line, the same object as a one-shot run's on stderr.
      output.jsonData({ command: redactSecrets(text), line, error: errorJson(failure) });
    }
    return { status: failure.exitCode, ...(error instanceof AnswerLost && { unanswered: true }) };
  }
}

/** xmgr's client id, or undefined when the state folder cannot give one (the login then warns). */
function readClientId(profile: string): string | undefined {
  try {
    return new ProfileState(profile).clientId();
  } catch {
    return undefined;
  }
}
