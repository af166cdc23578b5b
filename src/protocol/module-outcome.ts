// What mod_admin_adhoc's module commands (modules#load/#unload/#reload and their global-*
// variants) report, read per module and host. Prosody 13 says it all in one info note, failures
// included ("Failed to reload … on host example.com:\nx(Error: module-not-loaded)"); the texts
// are those of shared/protocol/admin/README.md and transcript 12. Pure: no I/O.

export type ModuleAction = "load" | "unload" | "reload";

export type Outcome = "done" | "already-loaded" | "not-loaded" | "failed";

export interface ModuleOutcome {
  module: string;
  /** The host it happened on; "*" for a global module (loaded in the global section). */
  host: string;
  outcome: Outcome;
  /** The server's reason for a failure, as it gave it. */
  error?: string;
}

const NOT_LOADED = "module-not-loaded";

/** "x(Error: module-not-loaded)" or "example.com (Error: …)": the name and the reason. */
function failedEntry(line: string): { name: string; error: string } {
  const match = /^(.*?)\s*\(Error: ([\s\S]*)\)$/.exec(line);
  return match ? { name: match[1], error: match[2] } : { name: line, error: "" };
}

const failure = (module: string, host: string, error: string): ModuleOutcome => ({
  module,
  host,
  outcome: error === NOT_LOADED ? "not-loaded" : "failed",
  ...(error && { error }),
});

/** The lines under each "…successfully…:" and "Failed to…:" heading of a note. */
function sections(text: string): { ok: string[]; failed: string[] } {
  const result = { ok: [] as string[], failed: [] as string[] };
  let current: string[] | undefined;
  for (const line of text.split("\n").map((entry) => entry.trim())) {
    if (line === "") continue;
    if (/^The .* successfully .*:$/.test(line)) current = result.ok;
    else if (/^Failed to .*:$/.test(line)) current = result.failed;
    else current?.push(line);
  }
  return result;
}

/** modules#unload / modules#reload on one host: one outcome per module asked for. */
export function hostModulesOutcome(text: string, host: string, requested: readonly string[]): ModuleOutcome[] {
  const { ok, failed } = sections(text);
  const failures = new Map(failed.map((line) => { const entry = failedEntry(line); return [entry.name, entry.error] as const; }));
  return requested.map((module) => {
    if (ok.includes(module)) return { module, host, outcome: "done" };
    if (failures.has(module)) return failure(module, host, failures.get(module)!);
    return { module, host, outcome: "failed", error: text.trim() === "" ? "the server did not say" : text.trim() };
  });
}

/** modules#load on one host: its info note (a failure to load comes as an error note instead). */
export function loadOutcome(text: string, module: string, host: string): ModuleOutcome {
  if (/^Module already loaded/.test(text.trim())) return { module, host, outcome: "already-loaded" };
  if (/successfully loaded/.test(text)) return { module, host, outcome: "done" };
  return { module, host, outcome: "failed", error: text.trim() || "the server did not say" };
}

/** modules#global-load / #global-reload / #global-unload: one outcome per host it names. */
export function globalModuleOutcome(text: string, module: string): ModuleOutcome[] {
  const note = text.trim();
  if (new RegExp(`^Module .* not loaded on any host\\.?$`).test(note)) return [{ module, host: "*", outcome: "not-loaded", error: NOT_LOADED }];
  if (/^(Global module .* loaded\.|Successfully (reloaded|unloaded) global module )/.test(note)) return [{ module, host: "*", outcome: "done" }];
  const globalFailure = /^Global module .* failed to (?:reload|unload): ([\s\S]*)$/.exec(note);
  if (globalFailure) return [failure(module, "*", globalFailure[1])];
  const { ok, failed } = sections(note);
  const outcomes: ModuleOutcome[] = [
    ...ok.map((host): ModuleOutcome => ({ module, host, outcome: "done" })),
    ...failed.map((line) => { const entry = failedEntry(line); return failure(module, entry.name, entry.error); }),
  ];
  return outcomes.length > 0 ? outcomes : [{ module, host: "*", outcome: "failed", error: note || "the server did not say" }];
}
