// Runs jest, then prints the one closing line CI counts ("N passed, N failed"), taken from
// jest's own JSON results rather than from its console summary.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";

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
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
