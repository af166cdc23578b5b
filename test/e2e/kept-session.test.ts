// Kept sessions (src/keep/): a command's logged-in session kept in a background process that later
// commands of the same profile and account reuse over a Unix socket. Checked against a real
// Prosody: logins counted in its log, the kept process's life followed through its socket and pid.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "@jest/globals";
import { execFile, spawn } from "node:child_process";
import { TmuxTerminal } from "../support/tmux.js";
import { chmodSync, existsSync, readFileSync, writeFileSync, lstatSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:net";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginSasl2, stopAll } from "../support/peers.js";
import { childPath, loginArgs, xmgrBin, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";

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

/** The kept-session processes of this test's user: bin/xmgr started as one, with this test's runtime folder. */
function keeperPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const environ = readFileSync(`/proc/${pid}/environ`, "latin1");
        return environ.includes("\0XMGR_KEEPER_IDLE_MS=") && environ.includes(`\0XDG_RUNTIME_DIR=${runtimeDir}\0`);
      } catch {
        return false; // gone meanwhile
      }
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
  await until(() => keeperPids().length === 0, "every kept session to end");
});

afterAll(async () => {
  // A failed test must not leave a kept session behind either.
  for (const pid of keeperPids()) process.kill(pid, "SIGTERM");
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
    const oneShot = await run(["--json", "server", "version"], { XMGR_KEEP: "off" });
    const missingOneShot = await run(["user", "info", `nobody@${tb.host}`], { XMGR_KEEP: "off" });
    expect(logins()).toBe(before + 2);
    expect(second).toEqual(oneShot);
    expect(missing).toEqual(missingOneShot);
    expect(missing.code).not.toBe(0);
  });

  test("under Node's --pending-deprecation (the small entry then talks over node:net), it is reused the same and Node prints no warning", async () => {
    const first = await run(["--json", "server", "version"]);
    expect(first.code).toBe(0);
    const before = logins();
    const kept = await run(["--json", "server", "version"], { NODE_PENDING_DEPRECATION: "1" });
    expect(logins()).toBe(before);
    expect(kept).toEqual(first);
    expect(kept.stderr).toBe("");
  });

  test("a command it must not run (-v, other settings, --no-keep) runs on its own, and starts no second kept session", async () => {
    await run(["xmpp", "ping", tb.host]);
    const [pid] = keeperPids();
    const before = logins();
    const verbose = await run(["-v", "xmpp", "ping", tb.host]);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toMatch(/^SEND /m);
    const otherTimeout = await run(["--timeout", "7", "xmpp", "ping", tb.host]);
    expect(otherTimeout.code).toBe(0);
    const noKeep = await run(["--no-keep", "xmpp", "ping", tb.host]);
    expect(noKeep.code).toBe(0);
    expect(logins()).toBe(before + 3);
    expect(keeperPids()).toEqual([pid]);
  });

  test("a destructive command without --yes and without a terminal is refused as in a one-shot run, over the kept session", async () => {
    await run(["xmpp", "ping", tb.host]);
    const before = logins();
    const kept = await run(["user", "delete", `nobody@${tb.host}`]);
    expect(logins()).toBe(before);
    const oneShot = await run(["user", "delete", `nobody@${tb.host}`], { XMGR_KEEP: "off" });
    expect(kept).toEqual(oneShot);
    expect(kept.code).toBe(2);
    expect(kept.stderr).toContain("Not confirmed");
  });

  test("a destructive command asks on the caller's terminal and does what was confirmed there", async () => {
    await tb.register("bob", "bob-secret-pw");
    await run(["xmpp", "ping", tb.host]);
    const before = logins();
    const term = new TmuxTerminal(user.home, { ...user.env, XMGR_PASSWORD: admin.password, XDG_RUNTIME_DIR: runtimeDir, XMGR_KEEP: "60" });
    try {
      await term.start([...loginArgs(tb, "admin"), "user", "delete", `bob@${tb.host}`]);
      await term.contains(`Type bob@${tb.host} to confirm:`);
      await term.type(`bob@${tb.host}`);
      await term.keys("Enter");
      const screen = await term.contains(/\[exit \d+\]/);
      expect(screen).toContain("[exit 0]");
    } finally {
      await term.kill();
    }
    expect(logins()).toBe(before);
    const info = await run(["user", "info", `bob@${tb.host}`]);
    expect(info.code).toBe(4);
  });

  test("a table at a 60-column terminal fits it, as in a one-shot run: the kept session is told the caller's width", async () => {
    await run(["xmpp", "ping", tb.host]);
    const before = logins();
    const term = new TmuxTerminal(user.home, { ...user.env, XMGR_PASSWORD: admin.password, XDG_RUNTIME_DIR: runtimeDir, XMGR_KEEP: "60" });
    try {
      await term.start([...loginArgs(tb, "admin"), "user", "clients", `admin@${tb.host}`], {}, { columns: 60 });
      const screen = await term.contains(/\[exit \d+\]/);
      expect(screen).toContain("[exit 0]");
      const tableLines = screen.split("\n").filter((line) => /^[┌│├└]/.test(line));
      expect(tableLines.length).toBeGreaterThan(4);
      // capture-pane -J joins a line the terminal wrapped: a table line wider than 60 would show here.
      for (const line of tableLines) expect([...line].length).toBeLessThanOrEqual(60);
    } finally {
      await term.kill();
    }
    expect(logins()).toBe(before);
  });

  test("it ends after its idle time, and the next command logs in again", async () => {
    const first = await run(["xmpp", "ping", tb.host], { XMGR_KEEP: "1" });
    expect(first.code).toBe(0);
    expect(keeperPids()).toHaveLength(1);
    await until(() => keeperPids().length === 0 && !existsSync(socketOf()), "the idle kept session to end");
    const before = logins();
    const next = await run(["xmpp", "ping", tb.host]);
    expect(next.code).toBe(0);
    expect(logins()).toBe(before + 1);
  });

  test("a client that went away while waiting its turn does not keep it from ending after its idle time", async () => {
    await run(["xmpp", "ping", tb.host], { XMGR_KEEP: "1" });
    expect(keeperPids()).toHaveLength(1);
    const busy = spawn(xmgrBin, [...loginArgs(tb, "admin"), "xmpp", "ping", "-c", "3", "-i", "0.5", tb.host], {
      env: { PATH: childPath, ...user.env, XMGR_PASSWORD: admin.password, XDG_RUNTIME_DIR: runtimeDir, XMGR_KEEP: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const busyDone = new Promise<number | null>((resolve) => busy.on("close", resolve));
    await new Promise<void>((resolve) => busy.stdout!.once("data", () => resolve()));
    // A request sent while the ping runs, by a client that closes the connection at once.
    const key = readFileSync(socketOf().replace(/\.sock$/, ".key"), "latin1").trim();
    const hello = { key, args: [...loginArgs(tb, "admin"), "server", "version"], env: { HOME: user.home }, cwd: "/", tty: { stdin: false, stdout: false, stderr: false } };
    await new Promise<void>((resolve) => {
      const socket = connect(socketOf(), () => socket.end(`${JSON.stringify(hello)}\n`, () => resolve()));
    });
    expect(await busyDone).toBe(0);
    await until(() => keeperPids().length === 0 && !existsSync(socketOf()), "the idle kept session to end", 10_000);
  });

  test("xmgr session stop and xmgr logout end it", async () => {
    await run(["xmpp", "ping", tb.host]);
    expect(keeperPids()).toHaveLength(1);
    const stop = await run(["session", "stop"]);
    expect(stop).toMatchObject({ code: 0, stderr: "OK: Stopped the kept session (profile default)\n" });
    await until(() => keeperPids().length === 0, "the stopped kept session to end");
    expect(existsSync(socketOf())).toBe(false);
    expect((await run(["session", "stop"])).stderr).toBe("OK: No kept session to stop (profile default)\n");

    await run(["xmpp", "ping", tb.host]);
    expect(keeperPids()).toHaveLength(1);
    const logout = await run(["logout"]);
    expect(logout.code).toBe(0);
    await until(() => keeperPids().length === 0, "the kept session to end at logout");
    expect(existsSync(socketOf())).toBe(false);
  });

  test("a command interrupted on the caller's side (Ctrl-C) ends the kept session: it does not run on unseen", async () => {
    await run(["xmpp", "ping", tb.host]);
    const [pid] = keeperPids();
    const child = spawn(xmgrBin, [...loginArgs(tb, "admin"), "xmpp", "ping", "-c", "1000", "-i", "0.2", tb.host], {
      env: { PATH: childPath, ...user.env, XMGR_PASSWORD: admin.password, XDG_RUNTIME_DIR: runtimeDir, XMGR_KEEP: "60" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
    child.kill("SIGINT");
    await until(() => !keeperPids().includes(pid), "the kept session to end with its interrupted command");
    expect(existsSync(socketOf())).toBe(false);
  });

  test("a server restart closes the kept session's stream: it ends, and the next command logs in normally", async () => {
    await run(["xmpp", "ping", tb.host]);
    expect(keeperPids()).toHaveLength(1);
    await tb.restart();
    await until(() => keeperPids().length === 0 && !existsSync(socketOf()), "the kept session to end with its stream");
    const before = logins();
    const next = await run(["xmpp", "ping", tb.host]);
    expect(next.code).toBe(0);
    expect(next.stderr).toBe("");
    expect(logins()).toBe(before + 1);
  });

  test("with the server down, the first command reports what a one-shot run reports, and leaves no kept session", async () => {
    await tb.restart("SIGTERM", async () => {
      const kept = await run(["xmpp", "ping", tb.host]);
      const oneShot = await run(["xmpp", "ping", tb.host], { XMGR_KEEP: "off" });
      expect(kept).toEqual(oneShot);
      expect(kept.code).toBe(6);
      expect(keeperPids()).toEqual([]);
      expect(existsSync(socketOf())).toBe(false);
    });
  });

  test("a stale socket (its process killed) is passed over silently and replaced", async () => {
    const oneShot = await run(["--json", "server", "version"], { XMGR_KEEP: "off" });
    await run(["xmpp", "ping", tb.host]);
    const [pid] = keeperPids();
    process.kill(pid, "SIGKILL");
    await until(() => keeperPids().length === 0, "the killed kept session to go");
    expect(lstatSync(socketOf()).isSocket()).toBe(true);
    const next = await run(["--json", "server", "version"]);
    expect(next).toEqual(oneShot);
    expect(keeperPids()).toHaveLength(1);
    const before = logins();
    await run(["xmpp", "ping", tb.host]);
    expect(logins()).toBe(before);
  });

  test("a socket path that is a symbolic link is neither followed nor replaced", async () => {
    await run(["xmpp", "ping", tb.host]);
    mkdirSync(user.configDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(user.configDir, "config"), "[profile other]\n", { mode: 0o600 });
    const link = socketOf("other");
    symlinkSync(socketOf(), link);
    const before = logins();
    const other = await run(["--profile", "other", "xmpp", "ping", tb.host]);
    expect(other.code).toBe(0);
    expect(other.stderr).toBe("");
    expect(logins()).toBe(before + 1);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(keeperPids()).toHaveLength(1);
  });

  test("another user cannot reach the kept session, nor use it when its folder is opened", async () => {
    await run(["xmpp", "ping", tb.host]);
    const probe = (script: string) =>
      new Promise<string>((resolve) => {
        // As uid/gid 65534 (nobody): connect to the socket, send a command with no key, print what happens.
        const child = execFile("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "-e", script, socketOf()], (error, stdout, stderr) =>
          resolve(`${String(stdout)}${String(stderr)}${error && !stdout ? String(error.code) : ""}`),
        );
        child.stdin?.end();
      });
    const script = `
      const socket = require("node:net").connect(process.argv[1]);
      let got = "";
      socket.on("connect", () => socket.write(JSON.stringify({ key: "guess", args: ["xmpp", "ping", "example.test"], env: {}, cwd: "/", tty: {} }) + "\\n"));
      socket.on("data", (data) => (got += data));
      socket.on("error", (error) => console.log("error " + error.code));
      socket.on("close", () => console.log("closed, answered: " + JSON.stringify(got)));
    `;
    expect(await probe(script)).toContain("error EACCES");

    // Even with the folder and socket opened to everyone, a connection without the key gets nothing.
    const before = logins();
    chmodSync(keepFolder(), 0o755);
    chmodSync(socketOf(), 0o777);
    try {
      expect(await probe(script)).toContain('closed, answered: ""');
      // And this user's own client does not use a kept session whose folder others can enter.
      const own = await run(["xmpp", "ping", tb.host]);
      expect(own.code).toBe(0);
      expect(logins()).toBe(before + 1);
    } finally {
      chmodSync(keepFolder(), 0o700);
    }
  });
});

describe("early starts: a read begins when bin/xmgr does, before its Node process has loaded", () => {
  /** Holds a Node process before xmgr's code loads (NODE_OPTIONS --require), until its gate file exists. */
  const gateScript = () => {
    const path = join(user.home, "gate.cjs");
    writeFileSync(
      path,
      `const { existsSync, writeFileSync } = require("node:fs");
       writeFileSync(process.env.TEST_GATE + ".held", "");
       const cell = new Int32Array(new SharedArrayBuffer(4));
       while (!existsSync(process.env.TEST_GATE)) Atomics.wait(cell, 0, 0, 10);`,
    );
    return path;
  };
  let gates = 0;

  /** bin/xmgr run as in a script (no terminal), its Node held until release(); `held` once it is. */
  async function heldRun(args: string[], extra: Record<string, string> = {}) {
    const gate = join(user.home, `gate-${gates++}`);
    const child = spawn(xmgrBin, [...loginArgs(tb, "admin"), ...args], {
      env: { PATH: childPath, ...user.env, XMGR_PASSWORD: admin.password, XDG_RUNTIME_DIR: runtimeDir, XMGR_KEEP: "60", NODE_OPTIONS: `--require ${gateScript()}`, TEST_GATE: gate, ...extra },
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin!.end();
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (data) => (stdout += data));
    child.stderr!.on("data", (data) => (stderr += data));
    const done = new Promise<XmgrResult>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })));
    // Node runs the gate after sh has left its hint: once held, the hint is there or taken already.
    await until(() => existsSync(`${gate}.held`), "the run to be held before xmgr loads");
    const hint = join(keepFolder(), `${child.pid}.hint`);
    await until(() => !existsSync(hint), "the kept session to take the run's hint");
    return { release: () => writeFileSync(gate, ""), done };
  }

  /**
   * `user clients` held before xmgr loads, while a new client (LateArrival) logs in, then let go:
   * its output, and the logins in the meantime.
   */
  async function clientsAcrossALateLogin(extra: Record<string, string> = {}): Promise<{ result: XmgrResult; logins: number }> {
    await run(["xmpp", "ping", tb.host]);
    await run(["xmpp", "ping", tb.host]); // the kept session now knows this environment
    const before = logins();
    const held = await heldRun(["user", "clients", `admin@${tb.host}`], extra);
    // Runs after the held run's early start in the kept session's queue: once it answers, the early run is done.
    expect((await run(["--json", "server", "version"])).code).toBe(0);
    const late = await loginSasl2(tb, { username: admin.username, password: admin.password, userAgent: { software: "LateArrival", device: "late" } });
    try {
      held.release();
      return { result: await held.done, logins: logins() - before };
    } finally {
      await stopAll(late);
    }
  }

  test("a read is answered with what the server said before the command's Node process loaded xmgr, without a login", async () => {
    const { result, logins: loginsMeanwhile } = await clientsAcrossALateLogin();
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^OK: \d+ clients?\n$/);
    expect(result.stdout).not.toContain("LateArrival");
    expect(loginsMeanwhile).toBe(1); // LateArrival's own
    expect((await run(["user", "clients", `admin@${tb.host}`])).stdout).toContain("LateArrival");
  });

  test("a write never starts before its process asks for it: the room is created once, after the release", async () => {
    await run(["xmpp", "ping", tb.host]);
    await run(["xmpp", "ping", tb.host]);
    const room = `early@${tb.mucHost}`;
    const held = await heldRun(["muc", "create", room, "--persistent"]);
    expect((await run(["--json", "server", "version"])).code).toBe(0);
    expect((await run(["muc", "info", room])).code).toBe(4);
    held.release();
    const result = await held.done;
    expect(result.stderr).toContain("OK: Created");
    expect(result.code).toBe(0);
    expect((await run(["muc", "info", room])).code).toBe(0);
  });

  test("a run whose environment differs from the one its early start assumed runs afresh", async () => {
    const { result } = await clientsAcrossALateLogin({ NO_COLOR: "1" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("LateArrival");
  });
});

