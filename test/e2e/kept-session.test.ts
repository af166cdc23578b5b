// Kept sessions (src/keep/): a command's logged-in session kept in a background process that later
// commands of the same profile and account reuse over a Unix socket. Checked against a real
// Prosody: logins counted in its log, the kept process's life followed through its socket and pid.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { chmodSync, existsSync, readFileSync, lstatSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginArgs, repoRoot, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";

let tb: Testbed;
let user: XmgrUser;
const admin = { username: "admin", password: "admin-secret-pw" };
let runtimeDir: string;

/** Logins so far: each c2s stream that authenticated, as Prosody logs it. */
const logins = () => tb.log().split("\n").filter((line) => /Authenticated as admin@example\.test|authentication success/i.test(line) && /c2s/.test(line)).length;

function run(args: string[], extra: Record<string, string> = {}): Promise<XmgrResult> {
  return user.run([...loginArgs(tb, "admin"), ...args], { XMGR_PASSWORD: admin.password, XDG_RUNTIME_DIR: runtimeDir, XMGR_KEEP: "60", ...extra });
}

const keepFolder = () => join(runtimeDir, "xmgr");
const socketOf = (profile = "default") => join(keepFolder(), `${profile}.admin@example.test.sock`);

/** Every kept-session process of this test's user (by the socket folder they serve). */
function keeperPids(): Promise<number[]> {
  return new Promise((resolve) => {
    execFile("pgrep", ["-f", "-x", ".*node.*bin/xmgr.*"], (_error, stdout) => {
      const pids = String(stdout).split("\n").filter(Boolean).map(Number);
      resolve(pids.filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/environ`, "latin1").includes(`XDG_RUNTIME_DIR=${runtimeDir}\0`);
        } catch {
          return false;
        }
      }));
    });
  });
}

/** Waits until `check` holds (a process ending, a file going away: no event to await across processes). */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`still waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  tb = await startTestbed();
  user = await xmgrUser();
  await tb.register(admin.username, admin.password);
  runtimeDir = join(user.home, "run");
  mkdirSync(runtimeDir, { mode: 0o755 });
  chmodSync(user.home, 0o755);
});

afterEach(async () => {
  await run(["session", "stop"]);
  await until(() => !existsSync(socketOf()), "the kept session to end");
});

afterAll(async () => {
  await user?.cleanup();
  await tb?.stop();
});

describe("xmgr with a kept session", () => {
  test("a second command reuses the kept session: no new login, the same output and exit code as a one-shot run", async () => {
    const first = await run(["--json", "server", "version"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(lstatSync(socketOf()).isSocket()).toBe(true);
    const before = logins();
    const second = await run(["--json", "server", "version"]);
    const missing = await run(["user", "info", `nobody@${tb.host}`]);
    expect(logins()).toBe(before);
    const oneShot = await run(["--no-keep", "--json", "server", "version"]);
    const missingOneShot = await run(["--no-keep", "user", "info", `nobody@${tb.host}`]);
    expect(logins()).toBe(before + 2);
    expect(second).toEqual(oneShot);
    expect(missing).toEqual(missingOneShot);
    expect(missing.code).not.toBe(0);
  });
});
