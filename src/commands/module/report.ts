// How the module commands report what happened to each module: an OK line per success, a
// warning for "already loaded", and one error for the failures with the exit code they deserve
// ("not loaded" is not found, exit 4; a module file that does not exist too; others exit 1).
import { XmgrError } from "../../errors.js";
import type { Output } from "../../output/output.js";
import type { ModuleAction, ModuleOutcome } from "../../protocol/module-outcome.js";

const PAST: Record<ModuleAction, string> = { load: "loaded", unload: "unloaded", reload: "reloaded" };

const where = (outcome: ModuleOutcome) => (outcome.host === "*" ? "globally" : `on ${outcome.host}`);

function failureText(outcome: ModuleOutcome, action: ModuleAction): string {
  if (outcome.outcome === "not-loaded") return `${outcome.module} is not loaded ${outcome.host === "*" ? "on any host" : where(outcome)}`;
  return `${outcome.module} could not be ${PAST[action]} ${where(outcome)}${outcome.error ? `: ${outcome.error}` : ""}`;
}

const isMissingFile = (outcome: ModuleOutcome) => outcome.outcome === "failed" && /No such file or directory/.test(outcome.error ?? "");

export function reportModules(output: Output, action: ModuleAction, global: boolean, host: string, outcomes: readonly ModuleOutcome[]): void {
  if (output.json) output.jsonData({ host: global ? "*" : host, action, global, results: outcomes });
  for (const outcome of outcomes) {
    if (outcome.outcome === "done") output.ok(`${outcome.module} ${PAST[action]} ${where(outcome)}`);
    if (outcome.outcome === "already-loaded") output.warn(`${outcome.module} was already loaded ${where(outcome)}: nothing changed`);
  }
  const failures = outcomes.filter((outcome) => outcome.outcome === "not-loaded" || outcome.outcome === "failed");
  if (failures.length === 0) return;
  const notFound = failures.every((outcome) => outcome.outcome === "not-loaded" || isMissingFile(outcome));
  const hint = failures.some((outcome) => outcome.outcome === "not-loaded")
    ? `See what is loaded with: xmgr module list${global ? "" : ` ${host}`}`
    : failures.some(isMissingFile)
      ? "The server has no such module: check the name, or install it (prosodyctl install) on the server's machine."
      : undefined;
  throw new XmgrError(notFound ? "notFound" : "failure", failures.map((outcome) => failureText(outcome, action)).join("; "), hint);
}
