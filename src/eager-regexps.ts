// Node checks each TLS server name with net.isIP(), whose IPv6 pattern is large: V8's regexp
// interpreter spends about 3 ms compiling it, then compiles it again to machine code at its second
// use (the certificate check). Compiled straight to machine code it takes under 1 ms. The flag is
// set only while a TLS connection starts: src/start.ts's code cache is valid only under the V8
// flags it was made with, so they must be back to the defaults when xmgr exits.
import { setFlagsFromString } from "node:v8";

/** Compiles regexps straight to machine code until the returned function is called. */
export function eagerRegexps(): () => void {
  setFlagsFromString("--no-regexp-tier-up");
  return () => setFlagsFromString("--regexp-tier-up");
}
