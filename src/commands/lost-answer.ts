// What xmgr says when the answer to a request is lost (no answer in time, the connection cut, the
// server gone): the one place that turns the session's AnswerLost into the truth.
// - A read: nothing happened that matters; the session's own message ("No answer … Try again").
// - A write: it may have happened. The message says so and how to check, instead of "try again"
//   (which could do it twice). Commands that can check for themselves (user create / password:
//   log in with the new password) do so after reconnecting and report what they found.
import { AnswerLost } from "../xmpp/failures.js";
import { commandPath, type CommandContext, type CommandDef, type Values } from "./define.js";

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

/** Runs a command's work; a lost answer to a write (not a read) becomes "may have happened". */
export async function runTruthfully(def: CommandDef, context: CommandContext, args: Values, options: Values): Promise<number | void> {
  try {
    return await def.run(context, args, options);
  } catch (error) {
    if (!(error instanceof AnswerLost) || def.batch === "read" || error.explained) throw error;
    throw mayHaveHappened(error, `"${commandText(def, args)}"`, def.check?.(args));
  }
}

/** What a check after a lost answer found: done, not done, or it could not tell (and why). */
export type CheckVerdict = { done: true } | { done: false } | { done: undefined; why: string };

/** A lost answer whose outcome a check after reconnecting settled: said as it is, never converted again. */
export function checkedLost(lost: AnswerLost, message: string, hint?: string): AnswerLost {
  const checked = new AnswerLost(lost.cause, lost.reason, message, hint);
  checked.explained = true;
  return checked;
}
