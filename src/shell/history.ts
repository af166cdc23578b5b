// The interactive shell's history, one file per profile: $XDG_STATE_HOME/xmgr/<profile>/history,
// readable only by the user (0600 in 0700 folders). A line that starts with a blank is not kept,
// as in bash with HISTCONTROL=ignorespace.
import { dirname } from "node:path";
import { appendPrivateFile, checkExistingFolders, readStateFile, writePrivateFile } from "../config/private-file.js";

export const HISTORY_SIZE = 1000;

export class History {
  /** Newest first, as node:readline wants it. */
  readonly entries: string[] = [];

  /** `top`: xmgr's state folder above the file's, checked down to it as every state folder (private-file.ts). */
  constructor(
    readonly path: string,
    private readonly size = HISTORY_SIZE,
    private readonly top = dirname(path),
  ) {
    this.entries = this.load();
  }

  add(typed: string): void {
    const line = typed.trimEnd();
    if (line === "" || /^\s/.test(line) || line === this.entries[0]) return;
    this.entries.unshift(line);
    this.entries.length = Math.min(this.entries.length, this.size);
    try {
      appendPrivateFile(this.path, `${line}\n`, this.top); // never through a planted symbolic link
    } catch {
      // History is a convenience: a read-only home, or a file that is not safe to use, must not break the shell.
    }
  }

  private load(): string[] {
    try {
      checkExistingFolders(dirname(this.path), "state folder", this.top);
      const text = readStateFile(this.path, "history file", true);
      if (text === undefined) return [];
      const lines = text.split("\n").filter((line) => line.trim() !== "");
      const kept = lines.slice(-this.size);
      // Keep the file from growing without bound: rewrite it once it holds twice the size.
      if (lines.length > 2 * this.size) writePrivateFile(this.path, `${kept.join("\n")}\n`, this.top);
      return kept.reverse();
    } catch {
      return [];
    }
  }
}
