/**
 * Runs the built bin/xmgr as a user would: a child process with its own HOME, XDG config and
 * state folders, no terminal, and only the environment given here.
 *
 *   const user = await xmgrUser();                     // fresh HOME/XDG dirs, removed by user.cleanup()
 *   const r = await user.run(["user", "clients", "alice@example.test"], { XMGR_PASSWORD: "pw" });
 *   r.code, r.stdout, r.stderr
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Testbed } from "./testbed.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** bin/xmgr, started as an executable the way a user starts it (a shell script that runs node). */
export const xmgrBin = join(repoRoot, "bin", "xmgr");
/** PATH for xmgr children: the node that runs the tests comes first. */
export const childPath = `${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`;

export interface XmgrResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface XmgrUser {
  home: string;
  configDir: string;
  stateDir: string;
  env: Record<string, string>;
  run(args: string[], env?: Record<string, string>): Promise<XmgrResult>;
  cleanup(): Promise<void>;
}

export function runXmgr(args: string[], env: Record<string, string>): Promise<XmgrResult> {
  return new Promise((done) => {
    const child = execFile(
      xmgrBin,
      args,
      { env: { PATH: childPath, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        // A run ended by a signal (or by the timeout above) says so where a failing test shows it.
        const ending = code === -1 && error ? `\n[test support: xmgr ${error.killed ? "killed by the test's timeout, " : "ended by "}signal ${error.signal ?? "?"}]` : "";
        done({ code, stdout: String(stdout), stderr: String(stderr) + ending });
      },
    );
    child.stdin?.end();
  });
}

export async function xmgrUser(): Promise<XmgrUser> {
  const home = await mkdtemp(join(tmpdir(), "xmgr-user-"));
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_STATE_HOME: join(home, "state"),
    LANG: "C.UTF-8",
    // No kept sessions (src/keep/) unless a test asks for one: the suite runs hundreds of xmgr
    // processes and must leave none behind. They are off here anyway (no terminal, no
    // XDG_RUNTIME_DIR); this says so outright.
    XMGR_KEEP: "off",
  };
  return {
    home,
    configDir: join(home, "config", "xmgr"),
    stateDir: join(home, "state", "xmgr"),
    env,
    run: (args, extra = {}) => runXmgr(args, { ...env, ...extra }),
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}

/** The options that point xmgr at a test bed as `user`@host, trusting its certificate. */
export function loginArgs(tb: Pick<Testbed, "host" | "c2sPort" | "directTlsPort" | "caFile">, user: string, direct = false): string[] {
  const server = direct ? `xmpps://127.0.0.1:${tb.directTlsPort}` : `127.0.0.1:${tb.c2sPort}`;
  return ["--jid", `${user}@${tb.host}`, "--server", server, "--ca", tb.caFile];
}

/**
 * A table as xmgr prints it when stdout is not a terminal (tab-separated, a header row first):
 * one record per line, keyed by the column titles. Fails on a line that has not one field per column.
 */
export function tsvRecords(text: string): Record<string, string>[] {
  const [header, ...lines] = text.replace(/\n$/, "").split("\n");
  const titles = header.split("\t");
  return lines.map((line) => {
    const fields = line.split("\t");
    if (fields.length !== titles.length) throw new Error(`a row of ${fields.length} fields under ${titles.length} columns: ${JSON.stringify(line)}`);
    return Object.fromEntries(titles.map((title, index) => [title, fields[index]]));
  });
}
