// scripts/run-tests.mjs and scripts/sum-test-counts.mjs: the closing line CI counts stays true when a
// test fails with a value that cannot be serialised and when jest itself dies, and the failed tests
// are named by file and name. Each case runs the real scripts on small jest runs of
// test/fixtures/reporter/.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const fixtures = "test/fixtures/reporter/jest.config.cjs";

interface Run {
  status: number | null;
  stdout: string;
}

function runNode(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout }));
  });
}

const lastLine = (text: string) => text.trimEnd().split("\n").at(-1);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "xmgr-runner-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("a failure with a circular value is counted, named, and the other test still counts as passed", async () => {
  const counts = join(dir, "counts");
  const run = await runNode(["scripts/run-tests.mjs", "--config", fixtures, "circular"], { XMGR_TEST_COUNTS: counts, XMGR_TEST_LABEL: "fixture" });
  expect(run.status).toBe(1);
  expect(lastLine(run.stdout)).toBe("1 passed, 1 failed");
  expect(run.stdout).toContain("✕ circular.fixture.cjs › fails with a circular value");
  expect(await readFile(counts, "utf8")).toBe("fixture 1 1\nfixture failed circular.fixture.cjs › fails with a circular value\n");
});

test("jest killed in the middle of its run is a failure said in words, not a made-up count", async () => {
  const run = await runNode(["scripts/run-tests.mjs", "--config", fixtures, "--runInBand", "killed"], { XMGR_TEST_COUNTS: undefined });
  expect(run.status).toBe(1);
  expect(run.stdout).toContain("jest was ended by SIGKILL before its run was complete");
  expect(lastLine(run.stdout)).toBe("0 passed, 1 failed");
});

test("the CI sum lists every run's failed tests before the closing line, and a run that wrote nothing fails", async () => {
  const counts = join(dir, "counts");
  await writeFile(counts, "node20 10 1\nnode20 failed test/e2e/a.test.ts › kicks Bob\nnode22 5 0\n");
  const run = await runNode(["scripts/sum-test-counts.mjs", counts, "node20", "node22", "node24"], {});
  expect(run.status).toBe(1);
  expect(run.stdout.trimEnd().split("\n")).toEqual([
    "Failed tests (1):",
    "  ✕ node20: test/e2e/a.test.ts › kicks Bob",
    "node20: 10 passed, 1 failed",
    "node22: 5 passed, 0 failed",
    "node24: did not run (counted as 1 failed)",
    "15 passed, 2 failed",
  ]);
});
