// What every user meets before any server is involved: help, version, usage errors, pipes.
import { describe, expect, test } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childPath, repoRoot, runXmgr, xmgrBin } from "../support/xmgr.js";

const env = { HOME: "/nonexistent", LANG: "C.UTF-8" };

/** Every runnable command, as a user types it, read from the top-level and section help. */
async function commands(): Promise<string[][]> {
  const top = await runXmgr(["--help"], env);
  const names = [...top.stdout.matchAll(/^ {2}([a-z_]+)(?:\|[a-z_-]+)? /gm)].map((match) => match[1]).filter((name) => name !== "help");
  const all: string[][] = [];
  for (const name of names) {
    const help = await runXmgr([name, "--help"], env);
    const subcommands = /\nCommands:\n/.test(help.stdout)
      ? [...help.stdout.split("\nCommands:\n")[1].matchAll(/^ {2}([a-z_]+)/gm)].map((match) => match[1]).filter((sub) => sub !== "help")
      : [];
    if (subcommands.length === 0) all.push([name]);
    for (const sub of subcommands) all.push([name, sub]);
  }
  return all;
}

describe("help", () => {
  test("every command's --help exits 0 and shows at least one example that runs xmgr", async () => {
    const list = await commands();
    expect(list).toEqual(expect.arrayContaining([["user", "clients"], ["user", "revoke_client"], ["muc", "kick"], ["logout"]]));
    for (const command of list) {
      const help = await runXmgr([...command, "--help"], env);
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      expect(help.stdout.split("Examples:")[1]).toMatch(/^\s+(\S+=\S+ )?xmgr /m);
    }
  });

  test("bare xmgr, or a section alone, prints its help on stdout and exits 0 (as gh does)", async () => {
    const bare = await runXmgr([], env);
    expect({ code: bare.code, stderr: bare.stderr }).toEqual({ code: 0, stderr: "" });
    expect(bare.stdout).toMatch(/^Usage: xmgr \[options\] \[command\]\n/);
    expect(bare.stdout).toContain("\n  login ");
    const section = await runXmgr(["muc"], env);
    expect({ code: section.code, stderr: section.stderr }).toEqual({ code: 0, stderr: "" });
    expect(section.stdout).toMatch(/^Usage: xmgr muc \[options\] \[command\]\n/);
  });

  test("a section's and a command's help list the global options (--json, --jid, --profile…) with their own", async () => {
    for (const command of [["user"], ["user", "list"], ["muc", "kick"], ["login"]]) {
      const help = await runXmgr([...command, "--help"], env);
      const global = help.stdout.split("\nGlobal Options:\n")[1] ?? "";
      expect({ command, global: ["--json", "--jid <jid>", "--profile <name>", "--server <address>", "--ca <file>", "--timeout <seconds>"].filter((option) => !global.includes(option)) }).toEqual({ command, global: [] });
    }
  });

  test("--version prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    const result = await runXmgr(["--version"], env);
    expect(result.stdout.trim()).toBe(version);
  });

  test("bin/xmgr also runs through a symlink in another folder, as npm installs it", () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    const dir = mkdtempSync(join(tmpdir(), "xmgr-link-"));
    try {
      symlinkSync(xmgrBin, join(dir, "xmgr"));
      const run = spawnSync(join(dir, "xmgr"), ["--version"], { env: { ...env, PATH: childPath }, encoding: "utf8" });
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: `${version}\n`, stderr: "" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("usage errors", () => {
  test.each([[["nope"]], [["user", "clients"]], [["user", "revoke_client", "a@b.c"]], [["--timeout"]]])("xmgr %j exits 2 with a hint and no stack trace", async (args) => {
    const result = await runXmgr(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--help/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

test("a reader that goes away (xmgr --help | true) ends xmgr quietly", () => {
  for (let attempt = 0; attempt < 5; attempt++) {
    const run = spawnSync("sh", ["-c", `"${xmgrBin}" --help | true`], { env: { ...env, PATH: childPath }, encoding: "utf8" });
    expect(run.stderr).toBe("");
  }
});
