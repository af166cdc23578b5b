// Batch mode (stdin not a terminal, or -c): statements run in input order over one session, and
// what they print comes out in input order. Consecutive reads (`user clients`, `muc info`), and
// consecutive writes of one command (several `user revoke_client`), are pipelined: up to
// maxInFlight requests are on the wire at once instead of one round trip each. Other commands wait
// for those before them: a write of another command may depend on them (`muc create R` then
// `muc destroy R`), and a command of several steps would interleave its steps with theirs.
//
// What "stop at the first failure" means with pipelining: once a failure is known, no new command
// is started; commands already sent (at most maxInFlight - 1 after the failing one) still finish,
// and their output is printed in order like any other. With maxInFlight 1 nothing after a failure
// is ever sent. --keep-going runs everything.
import { DirectSink, BufferSink, ShellOutput, type Sink } from "./output.js";
import { prepare, type Outcome, type Prepared, type ShellEnv } from "./statement.js";
import { splitStatements } from "./split.js";

export interface BatchOptions {
  keepGoing: boolean;
  maxInFlight: number;
  /** Where output goes (default: stdout and stderr). */
  out?: Sink;
  /** How a statement becomes a command (tests replace it). */
  prepare?: typeof prepare;
}

interface Task {
  prepared: Prepared;
  index: number;
  sink: BufferSink;
  outcome?: Outcome;
}

export async function runBatch(lines: AsyncIterable<string> | Iterable<string>, env: ShellEnv, options: BatchOptions): Promise<number> {
  const out = options.out ?? new DirectSink();
  const prepareStatement = options.prepare ?? prepare;
  const unprinted: Task[] = [];
  const finished: Task[] = [];
  let waiters: (() => void)[] = [];
  let inFlight = 0;
  let started = 0;
  let failureSeen = false;
  let quit = false;
  let laneInFlight: string | undefined;
  let stoppedEarly = false;

  const printReady = () => {
    while (unprinted[0]?.outcome) {
      const task = unprinted.shift()!;
      task.sink.replayTo(out);
      finished.push(task);
    }
  };
  const nextCompletion = () => new Promise<void>((resolve) => waiters.push(resolve));
  const drain = async () => {
    while (inFlight > 0) await nextCompletion();
    laneInFlight = undefined;
  };
  const joinsThoseInFlight = (prepared: Prepared) => laneOf(prepared) !== undefined && laneOf(prepared) === laneInFlight;
  const mustStop = () => quit || (failureSeen && !options.keepGoing);
  const start = (prepared: Prepared) => {
    const sink = new BufferSink();
    const task: Task = { prepared, index: started++, sink };
    const output = new ShellOutput({ json: env.json, verbose: env.verbose, painters: env.painters }, sink);
    unprinted.push(task);
    inFlight++;
    laneInFlight = laneOf(prepared);
    void prepared.run(output).then((outcome) => {
      task.outcome = outcome;
      inFlight--;
      if (outcome.status !== 0) failureSeen = true;
      if (outcome.quit) quit = true;
      printReady();
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    });
  };

  let lineNumber = 0;
  reading: for await (const line of lines) {
    lineNumber++;
    for (const text of splitStatements(line)) {
      if (mustStop()) {
        stoppedEarly = true;
        break reading;
      }
      const prepared = prepareStatement(text, lineNumber, env);
      if (!joinsThoseInFlight(prepared)) await drain();
      while (inFlight >= options.maxInFlight) await nextCompletion();
      if (mustStop()) {
        stoppedEarly = true;
        break reading;
      }
      start(prepared);
      if (prepared.kind === "alone") await drain();
    }
  }
  await drain();
  printReady();

  const failures = finished.filter((task) => task.outcome!.status !== 0);
  if (failures.length === 0) return 0;
  const first = failures[0];
  const where = (task: Task) => `command ${task.index + 1} (line ${task.prepared.line})`;
  if (!options.keepGoing) {
    const after = finished.slice(first.index + 1);
    const parts = [
      ...(after.length > 0 ? [`${after.length} command${after.length === 1 ? "" : "s"} after it had already been sent (pipelined): ${answeredOrNot(after)}`] : []),
      ...(stoppedEarly ? [after.length > 0 ? "the rest were not run" : "the commands after it were not run"] : []),
    ];
    if (parts.length > 0) out.write("err", `! Stopped at the failure of ${where(first)}: ${parts.join("; ")}. --keep-going runs them all.\n`);
  } else if (finished.length > 1) {
    const unanswered = failures.filter((task) => task.outcome!.unanswered);
    const lost = unanswered.length > 0 ? `; ${listed(unanswered)} got no answer: they may or may not have been done` : "";
    out.write("err", `! ${failures.length} of ${finished.length} commands failed: ${failures.map(where).join(", ")}${lost}.\n`);
  }
  return first.outcome!.status;
}

/** What a command may be pipelined with: every read, the writes of the same command; nothing for "alone". */
function laneOf(prepared: Prepared): string | undefined {
  if (prepared.kind === "alone") return undefined;
  return prepared.kind === "read" ? "read" : `write ${prepared.command ?? ""}`;
}

/**
 * Which of these commands got an answer (done or refused, as printed above) and which did not:
 * those may or may not have been done, and only a check says which.
 */
function answeredOrNot(tasks: readonly Task[]): string {
  const unanswered = tasks.filter((task) => task.outcome!.unanswered);
  const answered = tasks.filter((task) => !task.outcome!.unanswered);
  return [
    ...(answered.length > 0 ? [`${listed(answered)} got an answer (above)`] : []),
    ...(unanswered.length > 0 ? [`${listed(unanswered)} got no answer: they may or may not have been done`] : []),
  ].join(", ");
}

/** "command 4 (line 4)", "commands 5-9, 12 (lines 5-9, 14)": numbers in runs. */
function listed(tasks: readonly Task[]): string {
  const plural = tasks.length === 1 ? "" : "s";
  return `command${plural} ${runs(tasks.map((task) => task.index + 1))} (line${plural} ${runs(tasks.map((task) => task.prepared.line))})`;
}

function runs(numbers: readonly number[]): string {
  const parts: string[] = [];
  let start = numbers[0];
  let previous = start;
  for (const number of [...numbers.slice(1), undefined]) {
    if (number !== undefined && number === previous + 1) {
      previous = number;
      continue;
    }
    parts.push(start === previous ? String(start) : `${start}-${previous}`);
    if (number !== undefined) start = previous = number;
  }
  return parts.join(", ");
}
