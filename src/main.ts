// The entry of bundle/xmgr.cjs (scripts/bundle.mjs), the file bin/xmgr runs: a command that this
// profile and account's kept session answers (src/keep/) runs there, without loading the program.
import { start } from "./start.js";
import { runKept } from "./keep/client.js";

const kept = runKept(process.argv.slice(2));
if (!kept) start(__dirname);
else {
  void kept.then((code) => {
    if (code === undefined) start(__dirname);
    else process.exit(code); // its output is written (synchronously) already
  });
}
