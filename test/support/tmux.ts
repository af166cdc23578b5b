/**
 * A real terminal for tests: bin/xmgr in a tmux window of its own (a tmux server per terminal,
 * its socket in the given folder), typed at with send-keys and read with capture-pane.
 *
 *   const term = new TmuxTerminal(user.home, user.env);
 *   await term.start(["--jid", …, "user", "delete", "bob@example.test"], { XMGR_PASSWORD: "pw" });
 *   await term.contains("Type bob@example.test to confirm");
 *   await term.type("bob@example.test"); await term.keys("Enter");
 *   await term.contains("[exit 0]");
 *   await term.kill();
 *
 * With `{ rawOutputFile }`, everything the program writes reaches that file byte for byte (tmux
 * pipe-pane), before any terminal could act on it: `await term.rawOutput("[exit ")` reads it.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { xmgrBin } from "./xmgr.js";

const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
let terminals = 0;

export class TmuxTerminal {
  private readonly socket: string;
  private readonly name = "xmgr";
  private rawOutputFile?: string;

  constructor(
    folder: string,
    private readonly env: Record<string, string>,
  ) {
    this.socket = join(folder, `tmux-${process.pid}-${++terminals}`);
  }

  private tmux(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile("tmux", ["-S", this.socket, ...args], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "xterm-256color", ...this.env } }, (error, stdout, stderr) =>
        error ? reject(new Error(`tmux ${args.join(" ")}: ${stderr || error.message}`)) : resolve(stdout),
      );
    });
  }

  /** Starts `bin/xmgr …args` in a 200×50 window (`columns` wide instead, if given); when it ends, the window shows `[exit N]`. */
  async start(args: string[], env: Record<string, string> = {}, options: { rawOutputFile?: string; columns?: number } = {}): Promise<void> {
    const vars = Object.entries({ ...this.env, ...env }).map(([key, value]) => `${key}=${quote(value)}`);
    const command = [xmgrBin, ...args].map(quote).join(" ");
    const run = `env ${vars.join(" ")} ${command}; echo "[exit $?]"; sleep 60`;
    const width = String(options.columns ?? 200);
    if (options.rawOutputFile === undefined) {
      await this.tmux("new-session", "-d", "-s", this.name, "-x", width, "-y", "50", run);
      return;
    }
    // The window waits for a key until pipe-pane records, so that nothing is written before.
    this.rawOutputFile = options.rawOutputFile;
    await this.tmux("new-session", "-d", "-s", this.name, "-x", width, "-y", "50", `read -r go; ${run}`);
    await this.tmux("pipe-pane", "-O", "-t", this.name, `cat > ${quote(options.rawOutputFile)}`);
    await this.keys("Enter");
  }

  /** What the program wrote (start's rawOutputFile), once it holds `needle`. */
  async rawOutput(needle: string, timeoutMs = 15_000): Promise<string> {
    if (this.rawOutputFile === undefined) throw new Error("start() was not given a rawOutputFile");
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await readFile(this.rawOutputFile, "utf8").catch(() => "");
      if (text.includes(needle)) return text;
      if (Date.now() > deadline) throw new Error(`the raw output never held ${needle}:\n${JSON.stringify(text)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  screen(): Promise<string> {
    return this.tmux("capture-pane", "-p", "-J", "-t", this.name);
  }

  keys(...sequence: string[]): Promise<string> {
    return this.tmux("send-keys", "-t", this.name, ...sequence);
  }

  type(text: string): Promise<string> {
    return this.tmux("send-keys", "-t", this.name, "-l", text);
  }

  /** Waits until the screen shows `needle`; returns the screen. */
  async contains(needle: string | RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.screen();
      if (typeof needle === "string" ? text.includes(needle) : needle.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`screen never showed ${String(needle)}:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  kill(): Promise<void> {
    return this.tmux("kill-server").then(
      () => undefined,
      () => undefined,
    );
  }
}
