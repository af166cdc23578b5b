// The kept session's wire: one JSON object per line, both ways, over its Unix socket.
//   client → keeper   Hello first, then Answer frames when asked
//   keeper → client   { decline } (run it yourself) or { run } and then Out/Err/Ask frames, { exit }
// Nothing secret travels on it but the socket's own key (a random value, not a login secret):
// the command line, the non-secret environment below, and what the command prints.
import type { Socket } from "node:net";

export interface Hello {
  key: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** `columns`: the width of the terminal on stdout, which tables fit (none: not a terminal). */
  tty: { stdin: boolean; stdout: boolean; stderr: boolean; columns?: number };
  /** Set by `xmgr session stop` / `xmgr logout`: end the kept session. */
  stop?: boolean;
  /** The client's process id: the name of the hint bin/xmgr left for it (src/keep/early.ts). */
  pid?: number;
}

export type FromKeeper = { decline: true } | { run: true } | { out: string } | { err: string } | { ask: string } | { exit: number } | { stopped: true };
/** An answer typed at the caller's terminal, or none: `interrupted` when Ctrl-C cancelled it (exit 130, as a one-shot run). */
export type FromClient = { answer: string } | { cancel: true; interrupted?: boolean };

/** The environment a kept run sees: what settings, colour and trust read; never a password or key. */
export function sharedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const shared: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const wanted = (/^XMGR_/.test(name) && !/PASSWORD|AUTH|SECRET|TOKEN/.test(name)) || /^(HOME|XDG_CONFIG_HOME|XDG_STATE_HOME|XDG_RUNTIME_DIR|NO_COLOR|SSL_CERT_FILE|SSL_CERT_DIR)$/.test(name);
    if (wanted) shared[name] = value;
  }
  return shared;
}

/**
 * Sends a frame. Frames sent in the same tick go out in one write (corked until the next tick):
 * a command's lines and its exit code reach the client together, one wake-up instead of several.
 */
export function send(socket: Socket, frame: object): void {
  if (socket.destroyed) return;
  if (socket.writableCorked === 0) {
    socket.cork();
    process.nextTick(() => socket.uncork());
  }
  socket.write(`${JSON.stringify(frame)}\n`);
}

/**
 * Sends a frame now, not at the next tick: `{ run }` must leave before the command's request
 * does (the client then knows its outcome is unknown if the kept session dies), and the client
 * reads it while the server works.
 */
export function sendNow(socket: Socket, frame: object): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(frame)}\n`);
}

/** Calls `onFrame` with each line's object; a line that is not JSON ends the connection. */
export function readFrames<T>(socket: Socket, onFrame: (frame: T) => void, maxLine = 1 << 20): void {
  let buffered = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      let frame: T;
      try {
        frame = JSON.parse(line) as T;
      } catch {
        socket.destroy();
        return;
      }
      onFrame(frame);
      if (socket.destroyed) return;
    }
    if (buffered.length > maxLine) socket.destroy();
  });
}
