/**
 * `xmgr shell` on a real pseudo-terminal (tmux, with a socket of its own): the prompt naming the
 * account and server, tab completion, history kept across two sessions in a private file, Ctrl-C
 * cancelling the running command (not the shell), Ctrl-D leaving, and a password prompt that does
 * not echo; and colour, which xmgr shows only on a terminal. The built bin/xmgr against a real
 * Prosody 13 test bed.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import net from "node:net";
import { join } from "node:path";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginLegacy, stopAll } from "../support/peers.js";
import { loginArgs, xmgrBin, xmgrUser, type XmgrUser } from "../support/xmgr.js";

const alice = { username: "alice", password: "alice-tty-pw" };
let tb: Testbed;
let user: XmgrUser;
let aliceJid: string;
let prompt: string;
/** A tmux server of our own per test, its socket in the test's HOME (removed with it): a new one each
 * time, as a server being killed can still answer the next command. */
let socket = "";
let tests = 0;

function tmux(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("tmux", ["-S", socket, ...args], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "xterm-256color", ...user.env } }, (error, stdout, stderr) =>
      error ? reject(new Error(`tmux ${args.join(" ")}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

/** Starts `xmgr <login options> …args` in a new tmux window of 200×50; when it ends, the window shows its exit status. */
async function startXmgr(name: string, env: Record<string, string>, args: string[], who: XmgrUser = user): Promise<void> {
  const vars = Object.entries({ ...who.env, ...env }).map(([key, value]) => `${key}=${quote(value)}`);
  const command = [xmgrBin, ...loginArgs(tb, "alice"), ...args].map(quote).join(" ");
  await tmux("new-session", "-d", "-s", name, "-x", "200", "-y", "50", `env ${vars.join(" ")} ${command}; echo "[exit $?]"; sleep 60`);
}

const startShell = (name: string, env: Record<string, string>, extraArgs: string[] = [], who: XmgrUser = user) =>
  startXmgr(name, env, [...extraArgs, "shell"], who);

const screen = (name: string) => tmux("capture-pane", "-p", "-J", "-t", name);
/** The screen with its colours and attributes, as SGR escape sequences. */
const screenWithColours = (name: string) => tmux("capture-pane", "-p", "-e", "-J", "-t", name);
const keys = (name: string, ...sequence: string[]) => tmux("send-keys", "-t", name, ...sequence);
const type = (name: string, text: string) => tmux("send-keys", "-t", name, "-l", text);

async function waitForScreen(name: string, check: (text: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await screen(name);
    if (check(text)) return text;
    if (Date.now() > deadline) throw new Error(`screen never showed ${what}:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const contains = (name: string, needle: string | RegExp) =>
  waitForScreen(name, (text) => (typeof needle === "string" ? text.includes(needle) : needle.test(text)), String(needle));

/** The screen's last non-empty line. */
const lastLine = (text: string) => text.trimEnd().split("\n").pop() ?? "";

/** Waits for the prompt on the last line, as a person waits before typing the next command. */
const ready = (name: string) => waitForScreen(name, (text) => lastLine(text) === prompt.trimEnd(), "the prompt");

const env = () => ({ XMGR_PASSWORD: alice.password });

beforeAll(async () => {
  tb = await startTestbed();
  aliceJid = `alice@${tb.host}`;
  prompt = `${aliceJid}> `;
  user = await xmgrUser();
  await tb.register(alice.username, alice.password);
});

beforeEach(() => {
  socket = join(user.home, `tmux-${++tests}`);
});

afterEach(async () => {
  await tmux("kill-server").catch(() => undefined);
});

afterAll(async () => {
  await user?.cleanup();
  await tb?.stop();
});

describe("xmgr shell on a terminal", () => {
  test("the greeting names the account and server; a command's output; Ctrl-D leaves with the last status", async () => {
    await startShell("prompt", env());
    const start = await contains("prompt", prompt);
    expect(start).toContain(`Logged in as ${aliceJid} (127.0.0.1:${tb.c2sPort}). Type help for the commands; quit or Ctrl-D leaves.`);
    expect(lastLine(start)).toBe(prompt.trimEnd());

    await type("prompt", `user clients ${aliceJid}`);
    await keys("prompt", "Enter");
    await contains("prompt", /OK: \d+ clients?\n/);
    const listed = await ready("prompt");
    expect(listed).toMatch(/│ client\/[\w-]+ +│ xmgr/);

    await keys("prompt", "C-d");
    await contains("prompt", "[exit 0]");
  });

  test("the prompt is short (the account only); clear empties the screen and the prompt comes back at the top", async () => {
    await startShell("clear", env());
    const start = await contains("clear", prompt);
    expect(lastLine(start)).toBe(`${aliceJid}>`);
    await type("clear", "clear");
    await keys("clear", "Enter");
    const cleared = await waitForScreen("clear", (text) => !text.includes("Logged in as") && text.trim() === prompt.trimEnd(), "an empty screen with the prompt");
    expect(cleared.trim()).toBe(prompt.trimEnd());
    await keys("clear", "C-d");
    await contains("clear", "[exit 0]");
  });

  test("tab completes sections, commands and JIDs seen", async () => {
    await startShell("tab", env());
    await contains("tab", prompt);
    await type("tab", "us");
    await keys("tab", "Tab");
    await waitForScreen("tab", (text) => lastLine(text) === `${prompt}user`, "user completed");
    await type("tab", "cl");
    await keys("tab", "Tab");
    await waitForScreen("tab", (text) => lastLine(text) === `${prompt}user clients`, "clients completed");
    await type("tab", "al");
    await keys("tab", "Tab"); // the logged-in account is a JID seen
    await waitForScreen("tab", (text) => lastLine(text) === `${prompt}user clients ${aliceJid}`, "the JID completed");
    await keys("tab", "Enter");
    await contains("tab", /OK: \d+ clients?/);
    await ready("tab");

    // Several candidates: a second Tab lists them (nothing on the screen said revoke_client before).
    await type("tab", "user ");
    await keys("tab", "Tab");
    await keys("tab", "Tab");
    await contains("tab", "revoke_client");
    await keys("tab", "C-u");
    await type("tab", "quit");
    await keys("tab", "Enter");
    await contains("tab", "[exit 0]");
  });

  test("history is kept per profile across sessions, in a file only the user can read", async () => {
    const own = await xmgrUser();
    try {
      await historyAcrossSessions(own);
    } finally {
      await own.cleanup();
    }
  });

  async function historyAcrossSessions(own: XmgrUser): Promise<void> {
    await startShell("first", env(), [], own);
    await contains("first", prompt);
    await type("first", "help user");
    await keys("first", "Enter");
    await contains("first", "user revoke_client JID SELECTOR");
    await ready("first");
    await type("first", " help muc"); // starts with a blank: not kept
    await keys("first", "Enter");
    await contains("first", "muc kick ROOM NICK");
    await ready("first");
    await keys("first", "C-d");
    await contains("first", "[exit 0]");

    const file = join(own.stateDir, "default", "history");
    expect(readFileSync(file, "utf8")).toBe("help user\n");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(own.stateDir, "default")).mode & 0o777).toBe(0o700);

    await startShell("second", env(), [], own);
    await contains("second", prompt);
    await keys("second", "Up");
    await waitForScreen("second", (text) => lastLine(text) === `${prompt}help user`, "the previous session's line");
    await keys("second", "Enter");
    await contains("second", "user revoke_client JID SELECTOR");
    await ready("second");
    await keys("second", "C-d");
    await contains("second", "[exit 0]");

    // Another profile has a history of its own.
    await mkdir(own.configDir, { recursive: true, mode: 0o700 });
    await writeFile(join(own.configDir, "config"), "[default]\n[profile staging]\n", { mode: 0o600 });
    await startShell("other", env(), ["--profile", "staging"], own);
    await contains("other", prompt);
    await keys("other", "Up");
    // Keys are read in order: a marker typed after Up lands right after whatever Up recalled.
    await type("other", "marker");
    const recalled = await waitForScreen("other", (text) => lastLine(text).endsWith("marker"), "the marker typed after Up");
    expect(lastLine(recalled)).toBe(`${prompt}marker`);
  }

  test("Ctrl-C cancels the running command, not the shell; at the prompt it clears the line", async () => {
    // An HTTPS endpoint that accepts connections and never answers: the kick hangs until Ctrl-C.
    let connections = 0;
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => {
      connections++;
      sockets.push(socket);
    });
    const port = await listenOnLoopback(silent);
    try {
      await startShell("cancel", {
        ...env(),
        XMGR_MUC_KICK_URL: `https://${tb.mucHost}:${port}/muc_kick`,
        XMGR_MUC_KICK_SERVER: "127.0.0.1",
        XMGR_MUC_KICK_AUTH: tb.mucKickAuth,
      }, ["--timeout", "60"]);
      await contains("cancel", prompt);
      await type("cancel", `muc kick room@${tb.mucHost} Bob`);
      await keys("cancel", "Enter");
      const deadline = Date.now() + 10_000;
      while (connections === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(connections).toBe(1);
      await keys("cancel", "C-c");
      const cancelled = await waitForScreen("cancel", (text) => text.includes("! Cancelled.") && lastLine(text) === prompt.trimEnd(), "the cancel and a new prompt");
      expect(cancelled).toContain("A request already sent may still take effect on the server.");

      // Ctrl-C at the prompt drops the line typed so far, and the shell goes on.
      await type("cancel", "user clients nobody@example.test");
      await keys("cancel", "C-c");
      await waitForScreen("cancel", (text) => /user clients nobody@example\.test\^C\n/.test(text) && lastLine(text) === prompt.trimEnd(), "^C and a new prompt");

      await type("cancel", `user clients ${aliceJid}`);
      await keys("cancel", "Enter");
      await contains("cancel", /OK: \d+ clients?/);
      await ready("cancel");
      await type("cancel", "exit");
      await keys("cancel", "Enter");
      await contains("cancel", "[exit 0]");
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await closeServer(silent);
    }
  });

  test("muc kick asks for the Authorization value once per shell, without echo, and not again for the next kick", async () => {
    await tb.register("bob", "bob-tty-pw");
    const [bob, carol] = await Promise.all([loginLegacy(tb, { username: "bob", password: "bob-tty-pw" }), loginLegacy(tb, { username: "bob", password: "bob-tty-pw" })]);
    const room = `ttyroom@${tb.mucHost}`;
    try {
      await Promise.all([bob.joinRoom(room, "Bob"), carol.joinRoom(room, "Carol")]);
      await startShell("auth", { ...env(), XMGR_MUC_KICK_URL: `https://${tb.mucHost}:${tb.httpsPort}/muc_kick`, XMGR_MUC_KICK_SERVER: "127.0.0.1" });
      await contains("auth", prompt);
      await type("auth", `muc kick ${room} Bob`);
      await keys("auth", "Enter");
      await contains("auth", "Authorization header value (as in http_muc_kick_authorization_header): ");
      await type("auth", tb.mucKickAuth);
      await keys("auth", "Enter");
      await contains("auth", `OK: Kicked Bob from ${room}`);
      await ready("auth");
      await type("auth", `muc kick ${room} Carol`);
      await keys("auth", "Enter");
      await contains("auth", `OK: Kicked Carol from ${room}`);
      const screenText = await ready("auth");
      expect(screenText.split("Authorization header value").length - 1).toBe(1);
      expect(screenText).not.toContain(tb.mucKickAuth);
      expect((await bob.waitForKick(room, "Bob")).statuses).toContain("307");
      expect((await carol.waitForKick(room, "Carol")).statuses).toContain("307");
    } finally {
      await stopAll(bob, carol);
    }
  });

  test("without a configured password it asks once, without echo, and a failing last command sets the exit status", async () => {
    const own = await xmgrUser(); // no saved FAST token: the password is needed
    try {
      await passwordPrompt(own);
    } finally {
      await own.cleanup();
    }
  });

  async function passwordPrompt(own: XmgrUser): Promise<void> {
    await startShell("password", {}, [], own);
    await contains("password", "Password: ");
    await type("password", alice.password);
    await keys("password", "Enter");
    const start = await contains("password", prompt);
    expect(start).not.toContain(alice.password);
    await type("password", `user revoke_client ${aliceJid} client/doesnotexist`);
    await keys("password", "Enter");
    await contains("password", `! No client client/doesnotexist has access to ${aliceJid}.`);
    await ready("password");
    await keys("password", "C-d");
    const end = await contains("password", "[exit 4]");
    expect(end).not.toContain(alice.password);
  }
});

describe("colour on a terminal", () => {
  const BOLD_TITLE = /\u001b\[1mID\b/;
  const GREEN_OK = /\u001b\[32mOK:/;

  test("a one-shot command shows bold column titles and a green OK:", async () => {
    await startXmgr("colour", env(), ["user", "clients", aliceJid]);
    await contains("colour", "[exit 0]");
    const shown = await screenWithColours("colour");
    expect(shown).toMatch(/│ client\/[\w-]+ +│ xmgr/);
    expect({ boldTitle: BOLD_TITLE.test(shown), greenOk: GREEN_OK.test(shown) }).toEqual({ boldTitle: true, greenOk: true });
  });

  test.each([
    ["--no-color", {}, ["--no-color"]],
    ["NO_COLOR=1", { NO_COLOR: "1" }, []],
  ])("with %s, none", async (_, extraEnv, extraArgs) => {
    await startXmgr("plain", { ...env(), ...extraEnv }, [...extraArgs, "user", "clients", aliceJid]);
    await contains("plain", "[exit 0]");
    const shown = await screenWithColours("plain");
    expect(shown).toMatch(/│ ID +│ Software/);
    expect(shown).not.toMatch(/\u001b\[(?:1|3\d)m/);
  });
});
