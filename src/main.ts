// The entry of bundle/xmgr.cjs (scripts/bundle.mjs), the file bin/xmgr runs: a command that this
// profile and account's kept session answers (src/keep/) runs there, without loading the program,
// nor even reading its loader: that is bundle/start.cjs (src/start.ts), required only when needed.
import { runKept } from "./keep/client.js";

const start = () => (require("./start.cjs") as typeof import("./start.js")).start(__dirname);
const kept = runKept(process.argv.slice(2));
if (!kept) start();
else {
  void kept.then((code) => {
    if (code === undefined) start();
    else process.exit(code); // its output is written (synchronously) already
  });
}
