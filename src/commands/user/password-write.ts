// user create / user password: the write that sets a new password, told truthfully when its
// answer is lost. xmgr then logs in as the account with the new password (password-check.ts):
// it works (done), it is refused (not done when checked), or the check could not be made, and
// then the command says the password may be set and prints a generated one, once, since it may
// now be the account's only password.
import type { Jid } from "../../jid.js";
import { bare } from "../../jid.js";
import type { CommandContext } from "../define.js";
import { AnswerLost, checkedLost } from "../lost-answer.js";
import type { NewPassword } from "./new-password.js";
import { passwordWorks } from "./password-check.js";

/** How the write is known to have been done: its answer, or (the answer lost) logging in with the new password. */
export type Confirmed = { by: "answer" } | { by: "login"; reason: string };

export async function setPasswordTruthfully(
  { settings, output }: Pick<CommandContext, "settings" | "output">,
  target: Jid,
  { password, generated }: NewPassword,
  what: string,
  write: () => Promise<unknown>,
): Promise<Confirmed> {
  try {
    await write();
    return { by: "answer" };
  } catch (error) {
    if (!(error instanceof AnswerLost)) throw error;
    const account = bare(target);
    const verdict = await passwordWorks(settings, target, password);
    if (verdict.done === true) return { by: "login", reason: error.reason };
    if (verdict.done === false || verdict.done === "partly") {
      throw checkedLost(
        error,
        `The answer to ${what} was lost (${error.reason}), and logging in as ${account} with the new password after reconnecting failed: it had not been done when xmgr checked.`,
        "Run the command again.",
      );
    }
    if (generated) {
      if (output.json) output.jsonData({ jid: account, done: null, password });
      else output.data(password);
    }
    throw checkedLost(
      error,
      `The answer to ${what} was lost (${error.reason}): it may have been done${generated ? ", with the password printed above (shown only this once)" : ""}. xmgr could not check: ${verdict.why}.`,
      `Check by logging in as ${account} with the new password before running it again.`,
    );
  }
}
