// Preloaded into bin/xmgr by a test (NODE_OPTIONS=--require): records each V8 setting changed at
// run time (v8.setFlagsFromString) and writes the list as JSON to $V8_FLAGS_PROBE_FILE at exit.
const v8 = require("node:v8");
const { writeFileSync } = require("node:fs");

const changes = [];
const setFlagsFromString = v8.setFlagsFromString;
v8.setFlagsFromString = function (flags) {
  changes.push(flags);
  return setFlagsFromString.call(this, flags);
};
process.on("exit", () => writeFileSync(process.env.V8_FLAGS_PROBE_FILE, JSON.stringify(changes)));
