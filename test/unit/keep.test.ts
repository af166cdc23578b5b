/**
 * The pure parts of kept sessions (src/keep/): where a command line's kept session is, which
 * command lines never use one, what of the environment crosses the socket, and the keep setting.
 */
import { describe, expect, test } from "@jest/globals";
import { keepPaths, keepRefused } from "../../src/keep/where.js";
import { sharedEnv } from "../../src/keep/wire.js";
import { keepable, startsEarly } from "../../src/keep/keepable.js";
import { parseHint, sameCommand } from "../../src/keep/early.js";
import { lineSplitter } from "../../src/keep/link.js";
import { Settings } from "../../src/config/settings.js";
import { COMMANDS } from "../../src/commands/index.js";
import { commandPath } from "../../src/commands/define.js";

const env = { XDG_RUNTIME_DIR: "/run/user/1000", XDG_CONFIG_HOME: "/nonexistent-config" };

describe("keepPaths", () => {
  test("one socket and key per profile and account, in $XDG_RUNTIME_DIR/xmgr", () => {
    expect(keepPaths(["user", "list"], env)).toEqual({ folder: "/run/user/1000/xmgr", socket: "/run/user/1000/xmgr/default.-.sock", key: "/run/user/1000/xmgr/default.-.key" });
    expect(keepPaths(["--profile", "staging", "--jid=admin@example.com", "user", "list"], env)?.socket).toBe("/run/user/1000/xmgr/staging.admin@example.com.sock");
    expect(keepPaths(["user", "list"], { ...env, XMGR_PROFILE: "p", XMGR_JID: "a@b" })?.socket).toBe("/run/user/1000/xmgr/p.a@b.sock");
  });

  test("without XDG_RUNTIME_DIR, a folder under the state folder; names cannot climb out of the folder", () => {
    expect(keepPaths(["--profile", "../../etc", "x"], { XDG_STATE_HOME: "/home/u/.local/state" })?.socket).toBe("/home/u/.local/state/xmgr/run/.._.._etc.-.sock");
  });

  test("a relative XDG_RUNTIME_DIR is ignored (the XDG spec)", () => {
    expect(keepPaths(["x"], { XDG_RUNTIME_DIR: "run", XDG_STATE_HOME: "/s" })?.folder).toBe("/s/xmgr/run");
  });

  test("none when the socket's path would be longer than a Unix socket's limit", () => {
    expect(keepPaths(["--jid", `${"a".repeat(120)}@example.com`, "x"], env)).toBeUndefined();
  });
});

describe("keepRefused", () => {
  test("--no-keep, XMGR_KEEP=off, help, version and an empty command line never use a kept session", () => {
    for (const args of [["--no-keep", "user", "list"], ["user", "list", "--help"], ["-h"], ["help", "user"], ["-V"], []]) {
      expect(keepRefused(args, env)).toBe(true);
    }
    expect(keepRefused(["user", "list"], { ...env, XMGR_KEEP: "off" })).toBe(true);
    expect(keepRefused(["user", "list"], env)).toBe(false);
    // After --, words are the command's own.
    expect(keepRefused(["shell", "--", "help"], env)).toBe(false);
  });

  test("the kept session's own process never looks for one", () => {
    expect(keepRefused(["user", "list"], { ...env, XMGR_KEEPER_IDLE_MS: "300000" })).toBe(true);
  });
});

describe("sharedEnv: what of the environment crosses the socket", () => {
  test("xmgr's settings, folders, colour and trust variables; never a password, token, Authorization value or other variable", () => {
    const shared = sharedEnv({
      XMGR_JID: "admin@example.com",
      XMGR_PASSWORD: "hunter2",
      XMGR_MUC_KICK_AUTH: "Basic c2VjcmV0",
      XMGR_SOME_TOKEN: "t",
      XMGR_SOME_SECRET: "s",
      HOME: "/home/u",
      NO_COLOR: "1",
      SSL_CERT_FILE: "/etc/ssl/certs/ca-certificates.crt",
      AWS_SECRET_ACCESS_KEY: "k",
      PATH: "/usr/bin",
    });
    expect(shared).toEqual({ XMGR_JID: "admin@example.com", HOME: "/home/u", NO_COLOR: "1", SSL_CERT_FILE: "/etc/ssl/certs/ca-certificates.crt" });
  });
});

describe("keepable", () => {
  test("XMPP commands run there, but not those that ask for or read a secret, end it, or handle Ctrl-C", () => {
    const kept = new Set(COMMANDS.filter(keepable).map(commandPath));
    for (const path of ["user clients", "user delete", "server version", "xmpp ping", "c2s show"]) expect(kept).toContain(path);
    for (const path of ["logout", "adhoc run", "user create", "user password", "muc kick", "shell", "completion", "session stop"]) expect(kept).not.toContain(path);
  });
});

describe("the keep setting", () => {
  const keep = (value: string | undefined, extra: object = {}) => new Settings({ ...extra }, { ...env, ...(value === undefined ? {} : { XMGR_KEEP: value }) });
  test("off, on (300 s) or seconds; anything else is a usage error", () => {
    expect(keep("off").keepSetting()).toBe("off");
    expect(keep("0").keepSetting()).toBe("off");
    expect(keep("on").keepSetting()).toBe(300_000);
    expect(keep("2.5").keepSetting()).toBe(2500);
    expect(keep(undefined).keepSetting()).toBeUndefined();
    for (const bad of ["-1", "1e3", "0x10", "forever", "86401"]) expect(() => keep(bad).keepSetting()).toThrow(/Invalid keep setting/);
  });

  test("--no-keep wins over the setting", () => {
    expect(keep("60", { keep: false }).keepIdleMs()).toBeUndefined();
    expect(keep("60").keepIdleMs()).toBe(60_000);
  });
});

describe("lineSplitter: the small entry's frames from the socket's chunks", () => {
  test("lines split anywhere, a character's bytes across chunks included, come out whole and in order", () => {
    const lines: string[] = [];
    const split = lineSplitter((line) => lines.push(line), 1 << 20);
    const bytes = Buffer.from('{"out":"Zoë ☃"}\n{"err":"x"}\n{"exit":0}\n', "utf8");
    let at = 0;
    for (const end of [3, 11, 14, 17, 20, bytes.length]) {
      expect(split(bytes.subarray(at, end))).toBe(true);
      at = end;
    }
    expect(lines).toEqual(['{"out":"Zoë ☃"}', '{"err":"x"}', '{"exit":0}']);
  });

  test("a line longer than the limit, still without its newline, is refused", () => {
    const split = lineSplitter(() => undefined, 8);
    expect(split(Buffer.from("12345678"))).toBe(true);
    expect(split(Buffer.from("9"))).toBe(false);
  });
});

describe("early starts (src/keep/early.ts)", () => {
  const hintBytes = (...fields: string[]) => Buffer.from(fields.map((field) => `${field}\0`).join(""));

  test("a hint is read only once sh has written it whole: the count of arguments, stdin's and stderr's terminals, $PWD, the arguments", () => {
    const whole = hintBytes("3", "0", "1", "/home/u", "user", "clients", "a b@example.com");
    expect(parseHint(42, whole)).toEqual({ pid: 42, args: ["user", "clients", "a b@example.com"], cwd: "/home/u", stdinIsTerminal: false, stderrIsTerminal: true });
    expect(parseHint(42, hintBytes("0", "1", "0", "/"))).toEqual({ pid: 42, args: [], cwd: "/", stdinIsTerminal: true, stderrIsTerminal: false });
    for (let cut = 0; cut < whole.length; cut++) expect(parseHint(42, whole.subarray(0, cut))).toBeUndefined();
  });

  test("anything else is no hint: a wrong count, a relative folder, an unknown terminal flag", () => {
    expect(parseHint(1, hintBytes("2", "0", "0", "/", "user"))).toBeUndefined();
    expect(parseHint(1, hintBytes("1", "0", "0", "relative", "user"))).toBeUndefined();
    expect(parseHint(1, hintBytes("1", "0", "yes", "/", "user"))).toBeUndefined();
    expect(parseHint(1, hintBytes("x", "0", "0", "/"))).toBeUndefined();
  });

  test("an early run serves a request only for the same command line, folder, environment (in any order) and terminals", () => {
    const hello = { key: "k", args: ["user", "list"], env: { HOME: "/h", XMGR_JID: "a@b" }, cwd: "/w", tty: { stdin: false, stdout: false, stderr: false }, pid: 7 };
    expect(sameCommand(hello, { ...hello, key: "other", env: { XMGR_JID: "a@b", HOME: "/h" } })).toBe(true);
    expect(sameCommand(hello, { ...hello, args: ["user", "list", "x"] })).toBe(false);
    expect(sameCommand(hello, { ...hello, cwd: "/elsewhere" })).toBe(false);
    expect(sameCommand(hello, { ...hello, env: { ...hello.env, NO_COLOR: "1" } })).toBe(false);
    expect(sameCommand(hello, { ...hello, tty: { ...hello.tty, stderr: true } })).toBe(false);
  });

  test("only reads that end soon start early: not writes, destructive or local commands, nor xmpp ping", () => {
    const early = COMMANDS.filter(startsEarly).map(commandPath);
    expect(early).toEqual(expect.arrayContaining(["user clients", "user list", "server version", "muc list"]));
    for (const name of ["user create", "user delete", "muc create", "muc destroy", "xmpp ping", "session stop", "logout", "muc kick"]) expect(early).not.toContain(name);
  });
});
