// Node 20 checks each TLS server name with net.isIP(). V8 compiles its large IPv6 regexp first to
// bytecode (~3 ms), then again to machine code at its second use (the certificate check); compiled
// straight to machine code it takes under 1 ms. The V8 flag is changed around that one compilation
// only: while any V8 flag differs from the start, Node's built-in code cache and src/start.ts's are
// refused, so nothing else may run in between.
import { isIPv6 } from "node:net";
import { setFlagsFromString } from "node:v8";

let compiled = false;

/** Compiles Node's IPv6 check to machine code, once per process; call it before a TLS connection. */
export function compileIPv6Check(): void {
  if (compiled) return;
  compiled = true;
  setFlagsFromString("--no-regexp-tier-up");
  try {
    isIPv6("");
  } finally {
    setFlagsFromString("--regexp-tier-up");
  }
}
