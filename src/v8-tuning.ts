// Two V8 settings for a process that lives a fraction of a second, changed at run time and only
// while needed. On the command line any V8 option makes Node refuse its built-in code cache (~8 ms
// a run); at run time a changed option goes into the code cache src/start.ts writes, which the next
// run (with the defaults) would refuse. So each change is undone, with what it implied.
import { isIPv6 } from "node:net";
import { setFlagsFromString } from "node:v8";

let ipv6CheckCompiled = false;

/**
 * Node 20 checks each TLS server name with net.isIP(). V8 compiles its large IPv6 regexp first to
 * bytecode (~3 ms), then again to machine code at its second use (the certificate check); compiled
 * straight to machine code it takes under 1 ms. Call before a TLS connection.
 */
export function compileIPv6Check(): void {
  if (ipv6CheckCompiled) return;
  ipv6CheckCompiled = true;
  setFlagsFromString("--no-regexp-tier-up");
  try {
    isIPv6("");
  } finally {
    setFlagsFromString("--regexp-tier-up");
  }
}

/**
 * undici parses HTTP with WebAssembly. At the first response V8 starts optimising the parser in the
 * background, and the process cannot exit until that is done (~70 ms); one request never repays
 * it. `exchange` runs with the parser on V8's baseline compiler only.
 */
export async function withBaselineWasm<T>(exchange: () => Promise<T>): Promise<T> {
  setFlagsFromString("--liftoff-only");
  try {
    return await exchange();
  } finally {
    // --liftoff-only also turned these two off (V8 11 to 13: Node 20 to 24).
    setFlagsFromString("--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering");
  }
}
