// Preloaded into a bin/xmgr child by hostile.ts's runMeasured() (node --import): when the process
// exits, writes its peak resident set size in KiB to $XMGR_TEST_MAXRSS_FILE. On Linux that is
// VmHWM, the peak of this process image: ru_maxrss (process.resourceUsage().maxRSS) also keeps the
// peak of the image before exec, which for a spawned child is the forking test worker's own
// memory (a jest worker of 200 MiB made a 60 MiB run read as 206 MiB).
import { readFileSync, writeFileSync } from "node:fs";

function peakRssKiB() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "latin1"))?.[1];
    if (hwm) return Number(hwm);
  } catch {
    // not Linux: ru_maxrss, which may count the parent's memory too
  }
  return process.resourceUsage().maxRSS;
}

const file = process.env.XMGR_TEST_MAXRSS_FILE;
if (file) {
  process.on("exit", () => {
    writeFileSync(file, String(peakRssKiB()));
  });
}
