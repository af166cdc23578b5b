// Whether a server still takes new TCP connections: what `server shutdown` checks afterwards,
// because Prosody 13.0.1's ad-hoc shutdown closes its listeners but may leave the process running.
import net from "node:net";

/** One attempt: true when a TCP connection to host:port opens (it is closed at once). */
export function acceptsConnections(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Tries until the server refuses a connection or `deadline` (a Date.now() value) passes; true if it stopped accepting. */
export async function waitUntilRefused(host: string, port: number, deadline: number, everyMs = 200): Promise<boolean> {
  for (;;) {
    if (!(await acceptsConnections(host, port))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}
