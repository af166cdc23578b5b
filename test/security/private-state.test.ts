/**
 * Private folders and files that are really private, and a broken state folder that is not a
 * connection failure (issue 11), with the built bin/xmgr against a real Prosody 13:
 * - a state folder or file owned by another user (tests run as root: chown to an unused uid),
 *   or a config file owned by another user: refused, exit 2, nothing written;
 * - a group-writable state folder xmgr made: repaired to 0700;
 * - symbolic links planted at every file xmgr writes (client id, FAST token, login pin, code
 *   cache, shell history): nothing written through them;
 * - a symbolic link (another user's or the user's own) in place of xmgr's state folder, profile
 *   folder or cache folder: never followed; the config folder or file as another user's link:
 *   refused (issue 22);
 * - read-only state (tmpfs remounted read-only), a full disk (a filled tmpfs), a folder where a
 *   file should be: the command's result and exit code are unchanged, plus a one-line warning
 *   that says what could not be kept.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, lchownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginArgs, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";
import { History } from "../../src/shell/history.js";
import { appendPrivateFile, writePrivateFile } from "../../src/config/private-file.js";

const PASSWORD = "private-state-pw-3";
/** A uid no account has here (checked in beforeAll). */
const OTHER_UID = 54321;

let tb: Testbed;
let scratch: string;
const users: XmgrUser[] = [];
const mounts: string[] = [];

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0); // chown and mount need root, as in CI
  expect(() => execFileSync("getent", ["passwd", String(OTHER_UID)])).toThrow();
  scratch = mkdtempSync(join(tmpdir(), "xmgr-private-"));
  tb = await startTestbed();
  await tb.register("alice", PASSWORD);
});

afterAll(async () => {
  for (const mount of mounts) execFileSync("umount", [mount]);
  await Promise.all(users.map((user) => user.cleanup()));
  rmSync(scratch, { recursive: true, force: true });
  await tb?.stop();
});

async function freshUser(): Promise<XmgrUser> {
  const user = await xmgrUser();
  users.push(user);
  return user;
}

const list = (user: XmgrUser, env: Record<string, string> = {}): Promise<XmgrResult> =>
  user.run([...loginArgs(tb, "alice"), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD, ...env });

const profileDir = (user: XmgrUser) => join(user.stateDir, "default");
const tokenPath = (user: XmgrUser) => join(profileDir(user), `fast-token-alice@${tb.host}.json`);

/** A file outside xmgr's folders that a planted link points at: it must keep its content. */
function victim(name: string): string {
  const path = join(scratch, `victim-${name}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, "victim\n", { mode: 0o644 });
  return path;
}

describe("owners and modes", () => {
  test("a state folder owned by another user is refused (exit 2, names it), and nothing is written into it", async () => {
    const user = await freshUser();
    mkdirSync(profileDir(user), { recursive: true, mode: 0o700 });
    chownSync(profileDir(user), OTHER_UID, OTHER_UID);
    const result = await list(user);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain(profileDir(user));
    expect(result.stderr).toMatch(/belongs to another user \(uid 54321\)/);
    expect(readdirSync(profileDir(user))).toEqual([]);
  });

  test("a FAST token file owned by another user is refused (exit 2)", async () => {
    const user = await freshUser();
    expect((await list(user)).code).toBe(0);
    chownSync(tokenPath(user), OTHER_UID, OTHER_UID);
    const result = await list(user);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain(tokenPath(user));
    expect(result.stderr).toMatch(/belongs to another user/);
  });

  test("a config file owned by another user is refused (exit 2), as OpenSSH refuses one", async () => {
    const user = await freshUser();
    const config = join(user.home, "xmgr.conf");
    writeFileSync(config, `[default]\njid = alice@${tb.host}\n`, { mode: 0o600 });
    chownSync(config, OTHER_UID, OTHER_UID);
    const result = await user.run(["user", "clients", `alice@${tb.host}`], { XMGR_CONFIG: config, XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain(config);
    expect(result.stderr).toMatch(/belongs to another user/);
  });

  test("a config folder that others can write, or that another user owns, is refused (exit 2): they could swap the config file", async () => {
    const user = await freshUser();
    mkdirSync(user.configDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(user.configDir, "config"), `[default]\njid = alice@${tb.host}\n`, { mode: 0o600 });
    chmodSync(user.configDir, 0o777);
    const writable = await user.run(["user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(writable, 2);
    expect(writable.stderr).toContain(`config folder ${user.configDir}`);
    expect(writable.stderr).toContain(`chmod go-w '${user.configDir}'`);

    chmodSync(user.configDir, 0o700);
    chownSync(user.configDir, OTHER_UID, OTHER_UID);
    const foreign = await user.run(["user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(foreign, 2);
    expect(foreign.stderr).toMatch(/belongs to another user/);
  });

  test("xmgr's own state folders made group- or other-writable are repaired to 0700, and the command works", async () => {
    const user = await freshUser();
    mkdirSync(profileDir(user), { recursive: true });
    chmodSync(user.stateDir, 0o777);
    chmodSync(profileDir(user), 0o775);
    const result = await list(user);
    expect(result.code).toBe(0);
    expect(statSync(user.stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(profileDir(user)).mode & 0o777).toBe(0o700);
  });
});

describe("planted symbolic links are never written through", () => {
  test.each([
    ["client-id", () => "client-id"],
    ["FAST token", () => `fast-token-alice@${tb.host}.json`],
    ["login pin", () => `login-pin-alice@${tb.host}.json`],
  ])("at the %s file: refused (exit 2, says it is a symbolic link), the link's target unchanged", async (_name, file) => {
    const user = await freshUser();
    mkdirSync(profileDir(user), { recursive: true, mode: 0o700 });
    const target = victim(file());
    symlinkSync(target, join(profileDir(user), file()));
    const result = await list(user);
    expectCleanFailure(result, 2);
    expect(result.stderr).toMatch(/symbolic link/);
    expect(readFileSync(target, "utf8")).toBe("victim\n");
  });

  test("at the code cache file: the link is replaced by a private file, its target unchanged", async () => {
    const user = await freshUser();
    expect((await user.run(["--help"])).code).toBe(0);
    const cacheDir = join(user.home, ".cache", "xmgr");
    const [name] = readdirSync(cacheDir);
    const target = victim("cache");
    unlinkSync(join(cacheDir, name));
    symlinkSync(target, join(cacheDir, name));
    expect((await user.run(["--help"])).code).toBe(0);
    expect(readFileSync(target, "utf8")).toBe("victim\n");
    // The next run writes the cache again (it was not usable), as a file of its own.
    expect((await user.run(["--version"])).code).toBe(0);
    const after = lstatSync(join(cacheDir, name));
    expect(after.isSymbolicLink()).toBe(false);
    expect(after.mode & 0o777).toBe(0o600);
  });

  test("at the shell history: a line typed is not written through the link", () => {
    const dir = mkdtempSync(join(scratch, "history-"));
    chmodSync(dir, 0o700);
    const target = victim("history");
    symlinkSync(target, join(dir, "history"));
    const history = new History(join(dir, "history"));
    history.add("user clients alice@example.test");
    expect(readFileSync(target, "utf8")).toBe("victim\n");
  });

  test("writing a private file replaces a link at its name instead of following it; appending refuses to follow one", () => {
    const dir = mkdtempSync(join(scratch, "write-"));
    chmodSync(dir, 0o700);
    const target = victim("write");
    symlinkSync(target, join(dir, "file"));
    writePrivateFile(join(dir, "file"), "mine\n");
    expect(readFileSync(target, "utf8")).toBe("victim\n");
    expect(lstatSync(join(dir, "file")).isFile()).toBe(true);
    expect(readdirSync(dir)).toEqual(["file"]); // no temporary file left

    symlinkSync(target, join(dir, "log"));
    expect(() => appendPrivateFile(join(dir, "log"), "line\n")).toThrow(/ELOOP/);
    expect(readFileSync(target, "utf8")).toBe("victim\n");
  });
});

describe("a symbolic link in place of one of xmgr's folders is never followed (issue 22)", () => {
  /** A folder of the user's, private, that a link points at: nothing may be written into it. */
  function linkTarget(): string {
    const dir = mkdtempSync(join(scratch, "target-"));
    chmodSync(dir, 0o700);
    return dir;
  }

  test.each([
    ["another user", "$XDG_STATE_HOME/xmgr", (user: XmgrUser) => user.stateDir],
    ["the user", "$XDG_STATE_HOME/xmgr", (user: XmgrUser) => user.stateDir],
    ["another user", "the profile folder", (user: XmgrUser) => profileDir(user)],
    ["the user", "the profile folder", (user: XmgrUser) => profileDir(user)],
  ])("a link owned by %s at %s, to a private folder of the user's: refused (exit 2, says what to do), nothing written through it", async (owner, _where, place) => {
    const user = await freshUser();
    const link = place(user);
    mkdirSync(dirname(link), { recursive: true, mode: 0o700 });
    const target = linkTarget();
    symlinkSync(target, link);
    if (owner === "another user") lchownSync(link, OTHER_UID, OTHER_UID);
    const result = await list(user);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain(`${link}: it is a symbolic link to "${target}"`);
    if (owner === "another user") expect(result.stderr).toContain("owned by another user (uid 54321)");
    expect(result.stderr).toContain(`rm '${link}'`);
    expect(readdirSync(target)).toEqual([]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  test("the shell history under a linked state folder: not read through it, not written through it", () => {
    const home = mkdtempSync(join(scratch, "history-link-"));
    const target = linkTarget();
    mkdirSync(join(target, "default"), { mode: 0o700 });
    writeFileSync(join(target, "default", "history"), "secret line\n", { mode: 0o600 });
    symlinkSync(target, join(home, "xmgr"));
    const history = new History(join(home, "xmgr", "default", "history"), 1000, join(home, "xmgr"));
    expect(history.entries).toEqual([]);
    history.add("user clients alice@example.test");
    expect(readFileSync(join(target, "default", "history"), "utf8")).toBe("secret line\n");
  });

  test("a link owned by another user at the code cache folder: the command runs, nothing is written through it", async () => {
    const user = await freshUser();
    mkdirSync(join(user.home, ".cache"), { mode: 0o700 });
    const target = linkTarget();
    symlinkSync(target, join(user.home, ".cache", "xmgr"));
    lchownSync(join(user.home, ".cache", "xmgr"), OTHER_UID, OTHER_UID);
    expect((await user.run(["--help"])).code).toBe(0);
    expect((await user.run(["--version"])).code).toBe(0);
    expect(readdirSync(target)).toEqual([]);
  });

  test("the config folder or file as a link owned by another user: refused (exit 2); the user's own link to their file is read", async () => {
    const user = await freshUser();
    const real = linkTarget();
    writeFileSync(join(real, "config"), `[default]\njid = alice@${tb.host}\nserver = 127.0.0.1:${tb.c2sPort}\nca = ${tb.caFile}\n`, { mode: 0o600 });
    mkdirSync(join(user.home, "config"), { mode: 0o700 });
    symlinkSync(real, user.configDir);
    const args = ["user", "clients", `alice@${tb.host}`];

    const own = await user.run(args, { XMGR_PASSWORD: PASSWORD });
    expect(own.code).toBe(0);

    lchownSync(user.configDir, OTHER_UID, OTHER_UID);
    const foreignFolder = await user.run(args, { XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(foreignFolder, 2);
    expect(foreignFolder.stderr).toContain(`config folder ${user.configDir}: it is a symbolic link owned by another user (uid 54321)`);

    const fileLink = join(user.home, "xmgr.conf");
    symlinkSync(join(real, "config"), fileLink);
    lchownSync(fileLink, OTHER_UID, OTHER_UID);
    const foreignFile = await user.run(args, { XMGR_CONFIG: fileLink, XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(foreignFile, 2);
    expect(foreignFile.stderr).toContain(`config file ${fileLink}: it is a symbolic link owned by another user`);
  });

  test("folders xmgr creates above its own (a missing $XDG_STATE_HOME) are each the user's and 0700", async () => {
    const user = await freshUser();
    const base = join(user.home, "new", "state");
    const result = await list(user, { XDG_STATE_HOME: base });
    expect(result.code).toBe(0);
    for (const dir of [join(user.home, "new"), base, join(base, "xmgr"), join(base, "xmgr", "default")]) {
      const stats = lstatSync(dir);
      expect({ dir, directory: stats.isDirectory(), mode: stats.mode & 0o777, uid: stats.uid }).toEqual({ dir, directory: true, mode: 0o700, uid: process.getuid?.() });
    }
  });
});

/** A small tmpfs mounted at `dir` (removed in afterAll). */
function tmpfs(dir: string, size = "1m"): void {
  mkdirSync(dir, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", dir]);
  mounts.unshift(dir);
}

describe("a broken state folder is not a connection failure", () => {
  /** The command's own result, as with a working state folder. */
  function expectListed(result: XmgrResult): void {
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("client/");
    expect(result.stderr).toMatch(/OK: \d+ clients?/);
  }

  test("read-only state (tmpfs remounted read-only): the list is printed, exit 0, one warning line per thing not kept", async () => {
    const user = await freshUser();
    tmpfs(join(user.home, "state"));
    mkdirSync(profileDir(user), { recursive: true, mode: 0o700 });
    execFileSync("mount", ["-o", "remount,ro", join(user.home, "state")]);
    const result = await list(user);
    expectListed(result);
    expect(result.stderr).toMatch(/^warning: State folder .*: could not keep xmgr's client id, so this run is a new client to the server \(EROFS\)\.$/m);
    expect(result.stderr).toMatch(/^warning: .*could not save the FAST token: the next run needs the password again \(EROFS\)\.$/m);
    // Nothing else on stderr: each warning is one line, and no error.
    expect(result.stderr.trimEnd().split("\n").filter((line) => !/^(warning|OK): /.test(line))).toEqual([]);
  });

  test("a full disk (ENOSPC on a filled tmpfs): the list is printed, exit 0, the token that could not be saved is said", async () => {
    const user = await freshUser();
    const state = join(user.home, "state");
    tmpfs(state, "64k");
    mkdirSync(join(state, "xmgr", "default"), { recursive: true, mode: 0o700 });
    writeFileSync(join(state, "xmgr", "default", "client-id"), "11111111-2222-3333-4444-555555555555\n", { mode: 0o600 });
    try {
      execFileSync("dd", ["if=/dev/zero", `of=${join(state, "filler")}`, "bs=4k"], { stdio: "ignore" });
    } catch {
      // dd stops with "No space left on device": that is the point
    }
    const result = await list(user);
    expectListed(result);
    expect(result.stderr).toMatch(/could not save the FAST token: the next run needs the password again \(ENOSPC\)/);
  });

  test("folders where files should be (client id, FAST token): the list is printed, exit 0, with warnings", async () => {
    const user = await freshUser();
    mkdirSync(join(profileDir(user), "client-id"), { recursive: true });
    mkdirSync(tokenPath(user), { recursive: true });
    const result = await list(user);
    expectListed(result);
    expect(result.stderr).toMatch(/could not keep xmgr's client id, so this run is a new client to the server \(EISDIR\)/);
    expect(result.stderr).toMatch(/could not save the FAST token/);
    expect(existsSync(join(profileDir(user), "client-id"))).toBe(true);
  });
});
