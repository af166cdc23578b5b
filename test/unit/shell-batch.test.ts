/**
 * xmgr shell's batch scheduler with stand-in commands whose answers arrive when the test says:
 * output in input order, a bounded number in flight, what "stop at the first failure" means when
 * commands are pipelined, --keep-going, and commands that must run alone.
 */
import { describe, expect, test } from "@jest/globals";
import { runBatch, type BatchOptions } from "../../src/shell/batch.js";
import type { Sink, StreamName } from "../../src/shell/output.js";
import type { Outcome, Prepared, ShellEnv } from "../../src/shell/statement.js";
import type { Kind } from "../../src/shell/commands.js";

interface Step {
  text: string;
  started: boolean;
  finish(status?: number): void;
}

/**
 * Statements "ok NAME", "fail NAME" (exit 4), "lost NAME" (exit 8, no answer came), "alone NAME",
 * "read NAME", "other NAME" (a write of another command), "quit"; they finish when finish() is called.
 */
function harness(options: Partial<BatchOptions> = {}) {
  const steps = new Map<string, Step>();
  const written: [StreamName, string][] = [];
  const out: Sink = { write: (stream, text) => written.push([stream, text]) };
  let inFlight = 0;
  let maxSeen = 0;
  const prepare = (text: string, line: number): Prepared => {
    const [verb, name = text] = text.split(" ");
    const kind: Kind = verb === "alone" || verb === "quit" ? "alone" : verb === "read" ? "read" : "write";
    // ok, fail and lost are writes of one command; "other" is a write of another command.
    const command = verb === "other" ? "other" : kind === "write" ? "w" : verb;
    let finish: (status?: number) => void = () => {};
    const step: Step = { text, started: false, finish: (status) => finish(status) };
    steps.set(name, step);
    return {
      text,
      line,
      kind,
      command,
      run: (output) => {
        step.started = true;
        inFlight++;
        maxSeen = Math.max(maxSeen, inFlight);
        if (verb === "quit") {
          inFlight--;
          return Promise.resolve({ status: 0, quit: true });
        }
        return new Promise<Outcome>((resolve) => {
          finish = (status = verb === "fail" ? 4 : verb === "lost" ? 8 : 0) => {
            inFlight--;
            if (status === 0) output.data(`${name} done`);
            else output.note(`! ${name} failed`);
            resolve({ status, ...(verb === "lost" && { unanswered: true }) });
          };
        });
      },
    };
  };
  const env = { settings: { options: {} }, json: false, verbose: false } as unknown as ShellEnv;
  return {
    steps,
    written,
    stdout: () => written.filter(([stream]) => stream === "out").map(([, text]) => text).join(""),
    stderr: () => written.filter(([stream]) => stream === "err").map(([, text]) => text).join(""),
    maxSeen: () => maxSeen,
    run: (lines: string[]) => runBatch(lines, env, { keepGoing: false, maxInFlight: 32, ...options, out, prepare }),
  };
}

const startedNames = (h: ReturnType<typeof harness>) => [...h.steps.entries()].filter(([, step]) => step.started).map(([name]) => name);

/** Lets the scheduler run until it waits on an answer. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Finishes every started step as it comes, in reverse order of starting within each round. */
async function answerAll(h: ReturnType<typeof harness>, done: Promise<number>): Promise<number> {
  let finished = false;
  void done.then(() => (finished = true));
  const answered = new Set<string>();
  while (!finished) {
    await settle();
    const started = [...h.steps.entries()].filter(([name, step]) => step.started && !answered.has(name)).reverse();
    for (const [name, step] of started) {
      answered.add(name);
      step.finish();
    }
  }
  return done;
}

describe("runBatch", () => {
  test("pipelines consecutive writes, prints in input order whatever order the answers come in", async () => {
    const h = harness();
    const lines = Array.from({ length: 10 }, (_, index) => `ok c${index}`);
    const status = await answerAll(h, h.run(lines));
    expect(status).toBe(0);
    expect(h.maxSeen()).toBe(10);
    expect(h.stdout()).toBe(lines.map((_, index) => `c${index} done\n`).join(""));
  });

  test("never has more than maxInFlight commands started and unanswered", async () => {
    const h = harness({ maxInFlight: 3 });
    const status = await answerAll(h, h.run(Array.from({ length: 20 }, (_, index) => `ok c${index}`)));
    expect(status).toBe(0);
    expect(h.maxSeen()).toBe(3);
    expect(h.stdout().split("\n").filter(Boolean)).toHaveLength(20);
  });

  test("a command of another kind, or one that must run alone, waits for those before it", async () => {
    const h = harness();
    const done = h.run(["ok a", "ok b", "read r", "alone x", "ok c"]);
    await settle();
    expect(startedNames(h)).toEqual(["a", "b"]);
    h.steps.get("b")!.finish();
    await settle();
    expect(h.steps.get("r")!.started).toBe(false);
    h.steps.get("a")!.finish();
    await settle();
    expect(h.steps.get("r")!.started).toBe(true);
    expect(startedNames(h)).toEqual(["a", "b", "r"]);
    h.steps.get("r")!.finish();
    await settle();
    expect(h.steps.get("x")!.started).toBe(true);
    expect(startedNames(h)).toEqual(["a", "b", "r", "x"]); // nothing starts while an "alone" command runs
    h.steps.get("x")!.finish();
    await settle();
    h.steps.get("c")!.finish();
    expect(await done).toBe(0);
    expect(h.stdout()).toBe("a done\nb done\nr done\nx done\nc done\n");
  });

  test("a write of another command waits for the writes before it, and the next write of the first command waits for it", async () => {
    const h = harness();
    const done = h.run(["ok a", "ok b", "other o", "ok c"]);
    await settle();
    expect(startedNames(h)).toEqual(["a", "b"]);
    h.steps.get("a")!.finish();
    await settle();
    expect(h.steps.get("o")!.started).toBe(false);
    h.steps.get("b")!.finish();
    await settle();
    expect(startedNames(h)).toEqual(["a", "b", "o"]);
    h.steps.get("o")!.finish();
    await settle();
    expect(startedNames(h)).toEqual(["a", "b", "o", "c"]);
    h.steps.get("c")!.finish();
    expect(await done).toBe(0);
    expect(h.stdout()).toBe("a done\nb done\no done\nc done\n");
  });

  test("stop at the first failure: nothing new starts once it is known; commands already sent finish and are printed", async () => {
    const h = harness();
    const done = h.run(["ok a", "fail b", "ok c", "alone d", "ok e"]);
    await settle();
    // a, b and c are in flight together (pipelined); d waits for them.
    expect(startedNames(h)).toEqual(["a", "b", "c"]);
    h.steps.get("b")!.finish();
    h.steps.get("c")!.finish();
    h.steps.get("a")!.finish();
    const status = await done;
    expect(status).toBe(4);
    expect(startedNames(h)).toEqual(["a", "b", "c"]);
    expect(h.stdout()).toBe("a done\nc done\n");
    expect(h.stderr()).toBe(
      "! b failed\n! Stopped at the failure of command 2 (line 2): 1 command after it had already been sent (pipelined): command 3 (line 3) got an answer (above); the rest were not run. --keep-going runs them all.\n",
    );
    // Everything in input order, stderr and stdout interleaved as each command wrote them.
    expect(h.written.map(([, text]) => text.trim()).slice(0, 3)).toEqual(["a done", "! b failed", "c done"]);
  });

  test("pipelined writes of which only some got an answer: the summary lists which got one and which did not, never that they ran", async () => {
    const h = harness();
    const done = h.run(["ok a", "fail b", "ok c", "lost d", "lost e", "ok f", "lost g", "ok h"]);
    await settle();
    expect(startedNames(h)).toEqual(["a", "b", "c", "d", "e", "f", "g", "h"]);
    for (const name of ["a", "b", "c", "d", "e", "f", "g", "h"]) h.steps.get(name)!.finish();
    expect(await done).toBe(4);
    const summary = h.stderr().split("\n").filter(Boolean).at(-1);
    expect(summary).toBe(
      "! Stopped at the failure of command 2 (line 2): 6 commands after it had already been sent (pipelined): " +
        "commands 3, 6, 8 (lines 3, 6, 8) got an answer (above), commands 4-5, 7 (lines 4-5, 7) got no answer: they may or may not have been done. --keep-going runs them all.",
    );
    expect(summary).not.toMatch(/\bran\b/);
  });

  test("--keep-going: the summary names the failed commands that got no answer", async () => {
    const h = harness({ keepGoing: true });
    const status = await answerAll(h, h.run(["lost a", "ok b", "fail c", "lost d"]));
    expect(status).toBe(8);
    expect(h.stderr().split("\n").filter(Boolean).at(-1)).toBe(
      "! 3 of 4 commands failed: command 1 (line 1), command 3 (line 3), command 4 (line 4); commands 1, 4 (lines 1, 4) got no answer: they may or may not have been done.",
    );
  });

  test("with maxInFlight 1, nothing after a failure is ever sent", async () => {
    const h = harness({ maxInFlight: 1 });
    const status = await answerAll(h, h.run(["ok a", "fail b", "ok c"]));
    expect(status).toBe(4);
    expect(startedNames(h)).toEqual(["a", "b"]);
    expect(h.stderr()).toBe("! b failed\n! Stopped at the failure of command 2 (line 2): the commands after it were not run. --keep-going runs them all.\n");
  });

  test("a failure as the last command says nothing more than the failure", async () => {
    const h = harness();
    expect(await answerAll(h, h.run(["ok a", "fail b"]))).toBe(4);
    expect(h.stderr()).toBe("! b failed\n");
  });

  test("--keep-going runs everything, exits with the first failure's code and names the failures", async () => {
    const h = harness({ keepGoing: true });
    const status = await answerAll(h, h.run(["ok a", "fail b; ok c", "alone d", "fail e"]));
    expect(status).toBe(4);
    expect(h.stdout()).toBe("a done\nc done\nd done\n");
    expect(h.stderr()).toBe("! b failed\n! e failed\n! 2 of 5 commands failed: command 2 (line 2), command 5 (line 4).\n");
  });

  test("quit ends the batch after what came before it", async () => {
    const h = harness();
    const status = await answerAll(h, h.run(["ok a", "quit", "ok never"]));
    expect(status).toBe(0);
    expect(startedNames(h)).toEqual(["a", "quit"]);
    expect(h.stdout()).toBe("a done\n");
  });
});
