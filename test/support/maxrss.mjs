// Preloaded into a bin/xmgr child by hostile.ts's runMeasured() (node --import): when the process
// exits, writes its peak resident set size (kernel ru_maxrss, in KiB) to $XMGR_TEST_MAXRSS_FILE.
import { writeFileSync } from "node:fs";

const file = process.env.XMGR_TEST_MAXRSS_FILE;
if (file) {
  process.on("exit", () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
