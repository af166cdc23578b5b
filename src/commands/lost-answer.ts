// What xmgr says when the answer to a request is lost (no answer in time, the connection cut, the
// server gone): the one place that turns the session's AnswerLost into the truth.
// - A read: nothing happened that matters; the session's own message ("No answer … Try again").
// - A write: it may have happened. The message says so and how to check, instead of "try again"
//   (which could do it twice). Commands that can check for themselves (user create / password:
//   log in with the new password) do so after reconnecting and report what they found.
import { AnswerLost } from "../xmpp/failures.js";
import { commandPath, type CommandContext, type CommandDef, type Values } from "./define.js";
import { refusedSomewhere, refusingSessions, serverWordedSessions } from "./server-dialect.js";

export { AnswerLost };

/** The command as typed back in a message: "user delete alice@example.com". */
function commandText(def: CommandDef, args: Values): string {
  const words = def.args.flatMap((arg) => {
    const value = args[arg.name];
    return Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
  });
  return [commandPath(def), ...words].join(" ");
}

/** A write's lost answer as it must be told: it may have happened; check before doing it again. */
export function mayHaveHappened(lost: AnswerLost, what: string, check?: string): AnswerLost {
  return new AnswerLost(
    lost.cause,
    lost.reason,
    `The answer to ${what} was lost (${lost.reason}): the server may have done it.`,
    `Check before running it again${check ? `: ${check}` : " (a read command, or the server's log)"}; running it twice may do it twice.`,
  );
}

/**
 * Runs a command's work; a lost answer to a write (not a read) becomes the truth: what the
 * command's verify found after reconnecting, else "may have happened" and how to check.
 */
export async function runTruthfully(def: CommandDef, given: CommandContext, args: Values, options: Values): Promise<number | void> {
  // A command some server has no XMPP way for is refused there (exit 5) before it sends anything.
  const path = commandPath(def);
  const worded = def.transport === "xmpp" ? { ...given, sessions: serverWordedSessions(given.sessions) } : given;
  const context = def.transport === "xmpp" && refusedSomewhere(path) ? { ...worded, sessions: refusingSessions(worded.sessions, path) } : worded;
  try {
    return await def.run(context, args, options);
  } catch (error) {
    if (!(error instanceof AnswerLost) || def.batch === "read" || error.explained) throw error;
    const what = `"${commandText(def, args)}"`;
    if (!def.verify) throw mayHaveHappened(error, what, def.check?.(args));
    const verdict: CheckVerdict = await def.verify(context, args, options).catch((failure: unknown) => ({
      done: undefined,
      why: failure instanceof Error ? failure.message.replace(/\.$/, "") : String(failure),
    }));
    const lost = `The answer to ${what} was lost (${error.reason})`;
    if (verdict.done === true) {
      if (context.output.json) context.output.jsonData({ command: commandText(def, args), answerLost: true, done: true });
      context.output.ok(`${lost}; xmgr reconnected and checked: ${verdict.seen}`);
      return 0;
    }
    if (verdict.done === false) throw checkedLost(error, `${lost}; xmgr reconnected and checked: it had not been done (${verdict.seen}).`, "Run the command again.");
    if (verdict.done === "partly") throw checkedLost(error, `${lost}; xmgr reconnected and checked: only part of it was done (${verdict.seen}).`, "Run it again for the rest.");
    const unknown = mayHaveHappened(error, what, def.check?.(args));
    throw checkedLost(error, `${unknown.message} xmgr could not check: ${verdict.why}.`, unknown.hint);
  }
}

/** What a check after a lost answer found: done, not done (`seen` says what it saw), or it could not tell (and why). */
export type CheckVerdict = { done: true; seen: string } | { done: false; seen: string } | { done: "partly"; seen: string } | { done: undefined; why: string };

/** The verdict over several things (rooms, accounts): all as wished, none, or some; `state` words what was seen. */
export function verdictOver(names: readonly string[], done: readonly boolean[], state: { done: string; notDone: string }): CheckVerdict {
  const yes = names.filter((_, index) => done[index]);
  const no = names.filter((_, index) => !done[index]);
  const seen = (some: readonly string[], what: string) => `${some.join(", ")} ${some.length === 1 ? "is" : "are"} ${what}`;
  if (no.length === 0) return { done: true, seen: seen(yes, state.done) };
  if (yes.length === 0) return { done: false, seen: seen(no, state.notDone) };
  return { done: "partly", seen: `${seen(yes, state.done)}; ${seen(no, state.notDone)}` };
}

/** A lost answer whose outcome a check after reconnecting settled: said as it is, never converted again. */
export function checkedLost(lost: AnswerLost, message: string, hint?: string): AnswerLost {
  const checked = new AnswerLost(lost.cause, lost.reason, message, hint);
  checked.explained = true;
  return checked;
}
