// Runs jest, then prints the one closing line CI counts ("N passed, N failed"), taken from
// jest's own JSON results rather than from its console summary. With XMGR_TEST_COUNTS set (.ci/run,
// which runs the tests on several Node versions), it also appends "LABEL PASSED FAILED" to that
// file, LABEL being XMGR_TEST_LABEL, for scripts/sum-test-counts.mjs.
import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, rmSync } from "node:fs";

const resultsFile = ".test-results.json";
rmSync(resultsFile, { force: true });
const run = spawnSync(
  process.execPath,
  ["node_modules/jest/bin/jest.js", "--json", `--outputFile=${resultsFile}`, ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --experimental-vm-modules`.trim() } },
);

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, "utf8"));
  passed = results.numPassedTests;
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
} catch {
  failed = 1;
}
if (run.status !== 0 && failed === 0) failed = 1; // jest failed without a failed test (e.g. none found)
console.log(`${passed} passed, ${failed} failed`);
if (process.env.XMGR_TEST_COUNTS) appendFileSync(process.env.XMGR_TEST_COUNTS, `${process.env.XMGR_TEST_LABEL ?? "run"} ${passed} ${failed}\n`);
process.exit(failed === 0 ? 0 : 1);
