// xmgr shell: log in once and run many commands, interactively or as a batch.
import { defineCommand } from "./define.js";
import type { ShellOptions } from "../shell/shell.js";

export default defineCommand<{ words: string[] }, ShellOptions>({
  name: "shell",
  summary: "log in once and run many commands: interactively on a terminal, or a batch from stdin or -c",
  details: "The commands are xmgr's own (help lists them), also in prosodyctl's call form: user:clients(\"alice@example.com\"). See man xmgr, SHELL.",
  args: [{ name: "words", kind: "text", optional: true, variadic: true, help: "after --: one command's words, run as they are (no quoting, no ; splitting)" }],
  options: [
    { long: "--command", short: "-c", value: "COMMANDS", help: "run these commands (separated by ; or newlines) instead of reading stdin" },
    { long: "--keep-going", help: "in a batch, run every command even after one failed" },
    { long: "--max-in-flight", value: "N", help: "in a batch, requests sent before earlier answers arrive (default 32; 1 = one at a time)" },
  ],
  examples: [
    "xmgr shell",
    "xmgr shell -c 'user clients alice@example.com; user revoke_client alice@example.com grant/HjEEr45_LQr'",
    "xmgr --json shell --keep-going < revocations.txt",
    'xmgr shell -- muc kick room@chat.example.com "$nick" "$reason"    # one command, each word as given',
  ],
  transport: "local",
  batch: "alone",
  inShell: false,
  async run({ settings, output }, { words }, options) {
    const { runShell } = await import("../shell/shell.js");
    return runShell(settings, output, { ...options, words });
  },
});
