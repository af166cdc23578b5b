// The interactive shell's history, one file per profile: $XDG_STATE_HOME/xmgr/<profile>/history,
// readable only by the user (0600 in 0700 folders). A line that starts with a blank is not kept,
// as in bash with HISTCONTROL=ignorespace.
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { writePrivateFile } from "../config/private-file.js";

export const HISTORY_SIZE = 1000;

export class History {
  /** Newest first, as node:readline wants it. */
  readonly entries: string[] = [];

  constructor(
    readonly path: string,
    private readonly size = HISTORY_SIZE,
  ) {
    this.entries = this.load();
  }

  add(typed: string): void {
    const line = typed.trimEnd();
    if (line === "" || /^\s/.test(line) || line === this.entries[0]) return;
    this.entries.unshift(line);
    this.entries.length = Math.min(this.entries.length, this.size);
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      appendFileSync(this.path, `${line}\n`, { mode: 0o600 });
    } catch {
      // History is a convenience: a read-only home must not break the shell.
    }
  }

  private load(): string[] {
    if (!existsSync(this.path)) return [];
    try {
      if ((statSync(this.path).mode & 0o077) !== 0) chmodSync(this.path, 0o600);
      const lines = readFileSync(this.path, "utf8").split("\n").filter((line) => line.trim() !== "");
      const kept = lines.slice(-this.size);
      // Keep the file from growing without bound: rewrite it once it holds twice the size.
      if (lines.length > 2 * this.size) writePrivateFile(this.path, `${kept.join("\n")}\n`);
      return kept.reverse();
    } catch {
      return [];
    }
  }
}
