// A jest reporter that records, as each test file ends, how many of its tests passed and failed and
// the names of the failed ones: one JSON line per file in the file named by XMGR_REPORT_FILE, then
// a last line {"complete": true} when the run ends. scripts/run-tests.mjs counts from these lines.
// It copies only numbers and strings out of jest's results, so a failure whose value cannot be
// serialised (a circular object) cannot break the count, and lines written before a crash of jest
// still count.
const { appendFileSync } = require("node:fs");
const { relative } = require("node:path");

class CountReporter {
  constructor(globalConfig) {
    this.file = process.env.XMGR_REPORT_FILE;
    this.rootDir = globalConfig.rootDir;
    if (!this.file) throw new Error("count-reporter: XMGR_REPORT_FILE is not set");
  }

  write(record) {
    appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }

  onTestFileResult(test, result) {
    const file = relative(this.rootDir, String(result.testFilePath ?? test.path));
    const failures = result.testResults
      .filter((each) => each.status === "failed")
      .map((each) => String(each.fullName ?? each.title));
    // A file that could not run at all (a syntax error, a failing beforeAll without tests) has a
    // failureMessage and no failed test: it counts as one failure, named by the file.
    if (result.testExecError || (failures.length === 0 && result.failureMessage && result.numFailingTests === 0)) {
      failures.push("(the test file itself failed to run)");
    }
    this.write({ file, passed: Number(result.numPassingTests) || 0, failed: failures.length, failures });
  }

  onRunComplete() {
    this.write({ complete: true });
  }
}

module.exports = CountReporter;
