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
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { xmgrBin } from "./xmgr.js";

const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
let terminals = 0;

export class TmuxTerminal {
  private readonly socket: string;
  private readonly name = "xmgr";

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

  /** Starts `bin/xmgr …args` in a 200×50 window; when it ends, the window shows `[exit N]`. */
  async start(args: string[], env: Record<string, string> = {}): Promise<void> {
    const vars = Object.entries({ ...this.env, ...env }).map(([key, value]) => `${key}=${quote(value)}`);
    const command = [xmgrBin, ...args].map(quote).join(" ");
    await this.tmux("new-session", "-d", "-s", this.name, "-x", "200", "-y", "50", `env ${vars.join(" ")} ${command}; echo "[exit $?]"; sleep 60`);
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
