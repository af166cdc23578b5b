// Two costs of a process that lives a fraction of a second. On the command line any V8 option
// makes Node refuse its built-in code cache (~8 ms a run); an option changed at run time goes into
// the code cache src/start.ts writes, which the next run (with the defaults) would refuse; so the
// one change made here (for undici) is undone, with what it implied.
import { isIPv6 } from "node:net";

let ipv6CheckCompiled = false;

/**
 * Node checks each TLS server name with net.isIP(). V8 compiles its large IPv6 regexp first to
 * bytecode (~5 ms), then again to machine code at its second use (the certificate check). A regexp
 * whose first subject is long (1,000 characters or more) is compiled straight to machine code, in
 * under 2 ms. (Not by turning V8's regexp-tier-up off and on at run time, as xmgr did: on Node 24
 * about one run in 800 then crashed inside V8's regexp interpreter.) Call before a TLS connection.
 */
export function compileIPv6Check(): void {
  if (ipv6CheckCompiled) return;
  ipv6CheckCompiled = true;
  isIPv6("0".repeat(1000));
}

/**
 * undici parses HTTP with WebAssembly. At the first response V8 starts optimising the parser in the
 * background, and the process cannot exit until that is done (~70 ms); one request never repays
 * it. `exchange` runs with the parser on V8's baseline compiler only.
 */
export async function withBaselineWasm<T>(exchange: () => Promise<T>): Promise<T> {
  // Loaded here, not with the module: only muc kick needs it, and node:v8 costs every start ~0.3 ms.
  const { setFlagsFromString } = process.getBuiltinModule("node:v8");
  setFlagsFromString("--liftoff-only");
  try {
    return await exchange();
  } finally {
    // --liftoff-only also turned these two off (V8 11 to 13: Node 20 to 24).
    setFlagsFromString("--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering");
  }
}
