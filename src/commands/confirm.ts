// The one confirmation rule for destructive commands, in one-shot runs and in the shell alike:
// --yes goes ahead; on a terminal the person is asked (and for what cannot be undone, types the
// account or room); anywhere else xmgr refuses with exit 2 and changes nothing.
import { XmgrError, quoted } from "../errors.js";
import type { CommandDef, Confirmation, Prompts, Values } from "./define.js";
import type { SessionSource } from "./xmpp-session.js";
import { refuseBeforeConfirming } from "./server-dialect.js";

/**
 * What every runner (one-shot, shell, kept session) does before a destructive command runs: what
 * the login's server would refuse is refused first, then the confirmation.
 */
export async function confirmDestructive(def: CommandDef, args: Values, options: Values, prompts: Prompts, commandLine: string, sessions: SessionSource): Promise<void> {
  if (!def.destructive) return;
  await refuseBeforeConfirming(def, args, options, sessions);
  await confirmOrRefuse(def.destructive(args, options), Boolean(options.yes), prompts, commandLine);
}

export async function confirmOrRefuse(confirmation: Confirmation, yes: boolean, prompts: Prompts, commandLine: string): Promise<void> {
  if (yes) return;
  if (!prompts.canAsk) {
    throw new XmgrError("usage", `Not confirmed: ${confirmation.action}.`, `Nothing was changed. Without a terminal, add --yes: ${commandLine} --yes`);
  }
  const typed = confirmation.typeToConfirm;
  const question = typed
    ? `${confirmation.action}. This cannot be undone.\nType ${typed} to confirm: `
    : `${confirmation.action}. Go on? [y/N] `;
  const answer = (await prompts.line(question)).trim();
  const confirmed = typed ? answer === typed : /^(y|yes)$/i.test(answer);
  if (confirmed) return;
  // An answer that is neither a yes nor a no was probably a yes mistyped: say what was expected.
  if (answer === "" || (!typed && /^(n|no)$/i.test(answer))) throw new XmgrError("usage", "Cancelled: nothing was changed.");
  throw typed
    ? new XmgrError("usage", `Cancelled: ${quoted(answer)} is not ${typed}, which must be typed exactly; nothing was changed.`, `To go on, run it again and type ${typed}: ${commandLine}`)
    : new XmgrError("usage", `Cancelled: ${quoted(answer)} is neither y nor yes; nothing was changed.`, `To go on, run it again and answer y: ${commandLine}`);
}
