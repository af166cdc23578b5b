// Runs jest, then prints the one closing line CI counts ("N passed, N failed"), taken from
// scripts/count-reporter.cjs's lines (one per test file, written as each file ends) rather than from
// jest's console summary or its --json file, which jest itself can fail to write. Failed tests are
// listed by file and name just before the closing line. If jest ended before its run was complete
// (a crash, a signal), the count covers the files that finished and the incomplete run is one more
// failure, said in plain words. With XMGR_TEST_COUNTS set (.ci/run, which runs the tests on several
// Node versions), it also appends "LABEL PASSED FAILED" to that file and each failed test as
// "LABEL failed FILE › NAME", LABEL being XMGR_TEST_LABEL, for scripts/sum-test-counts.mjs.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const reporter = fileURLToPath(new URL("./count-reporter.cjs", import.meta.url));
const reportDir = mkdtempSync(join(tmpdir(), "xmgr-test-report-"));
const reportFile = join(reportDir, "results.jsonl");
const run = spawnSync(
  process.execPath,
  // The reporters go last: jest's --reporters takes every word after it that is not an option.
  ["node_modules/jest/bin/jest.js", ...process.argv.slice(2), "--reporters=default", `--reporters=${reporter}`],
  {
    stdio: "inherit",
    env: {
      ...process.env,
      XMGR_REPORT_FILE: reportFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --experimental-vm-modules`.trim(),
    },
  },
);

const { passed, failures, complete, unreadable } = readReport(existsSync(reportFile) ? readFileSync(reportFile, "utf8") : "");
rmSync(reportDir, { recursive: true, force: true });

const problems = [];
if (unreadable > 0) problems.push(`${unreadable} line(s) of the test report could not be read.`);
if (!complete) {
  const how = run.signal ? `was ended by ${run.signal}` : run.error ? `could not run (${run.error.message})` : `exited with code ${run.status}`;
  problems.push(`jest ${how} before its run was complete: the count covers only the test files that finished.`);
} else if (run.status !== 0 && failures.length === 0) {
  problems.push(`jest exited with code ${run.status} although no test failed (no test found, or a reporter failed).`);
}
const failed = failures.length + problems.length;

if (failures.length > 0) {
  console.log(`\nFailed tests (${failures.length}):`);
  for (const failure of failures) console.log(`  ✕ ${failure}`);
}
for (const problem of problems) console.log(`\n${problem}`);
console.log(`${passed} passed, ${failed} failed`);
if (process.env.XMGR_TEST_COUNTS) {
  const label = process.env.XMGR_TEST_LABEL ?? "run";
  const lines = [`${label} ${passed} ${failed}`, ...[...failures, ...problems].map((failure) => `${label} failed ${failure.replace(/\n/g, " ")}`)];
  appendFileSync(process.env.XMGR_TEST_COUNTS, `${lines.join("\n")}\n`);
}
process.exit(failed === 0 ? 0 : 1);

function readReport(text) {
  let passed = 0;
  let complete = false;
  let unreadable = 0;
  const failures = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let record;
    try {
      record = JSON.parse(line);
    } catch {
      unreadable++;
      continue;
    }
    if (record.complete === true) complete = true;
    else {
      passed += Number(record.passed) || 0;
      for (const name of record.failures ?? []) failures.push(`${record.file} › ${name}`);
    }
  }
  return { passed, failures, complete, unreadable };
}
