// .ci/run's last word: the failed tests of every run, by run, file and name (a CI log is read from
// its tail), one line per test run it made ("node22: 150 passed, 0 failed", from the
// XMGR_TEST_COUNTS file scripts/run-tests.mjs appends to), then the closing line CI counts, their
// sum. A run listed in the arguments that wrote no line (it did not start, or died) counts as failed.
//   node scripts/sum-test-counts.mjs COUNTS_FILE LABEL...
import { existsSync, readFileSync } from "node:fs";

const [file, ...expected] = process.argv.slice(2);
const runs = new Map();
const failures = [];
for (const line of existsSync(file) ? readFileSync(file, "utf8").split("\n") : []) {
  const failure = /^(\S+) failed (.+)$/.exec(line.trim());
  if (failure) {
    failures.push(`${failure[1]}: ${failure[2]}`);
    continue;
  }
  const [label, passed, failed] = line.trim().split(/\s+/);
  if (label && passed !== undefined) runs.set(label, { passed: Number(passed), failed: Number(failed) });
}
if (failures.length > 0) {
  console.log(`Failed tests (${failures.length}):`);
  for (const failure of failures) console.log(`  ✕ ${failure}`);
}
let passed = 0;
let failed = 0;
for (const label of new Set([...expected, ...runs.keys()])) {
  const run = runs.get(label);
  if (run) console.log(`${label}: ${run.passed} passed, ${run.failed} failed`);
  else console.log(`${label}: did not run (counted as 1 failed)`);
  passed += run?.passed ?? 0;
  failed += run ? run.failed : 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
