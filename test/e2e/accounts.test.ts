/**
 * Issue 14's account and session commands end to end: bin/xmgr against the real test bed (with
 * prosody/mod_admin_list_users.lua loaded), each side effect checked with real clients logging in
 * (test/support/peers.ts) or with prosodyctl on the server itself.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginLegacy, loginSasl2, stopAll, xml, type Peer } from "../support/peers.js";
import { childPath, loginArgs, xmgrBin, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";
import { TmuxTerminal } from "../support/tmux.js";

const ADMIN_PW = "admin-secret-pw";
const BOB_PW = "bob-secret-pw";
const ADMIN_HINT = /needs a server admin/;

let tb: Testbed;
let user: XmgrUser;
const peers: Peer[] = [];
let host: string;
const jid = (name: string) => `${name}@${host}`;

const asAdmin = (args: string[]) => user.run([...loginArgs(tb, "admin"), ...args], { XMGR_PASSWORD: ADMIN_PW });
const asBob = (args: string[]) => user.run([...loginArgs(tb, "bob"), ...args], { XMGR_PASSWORD: BOB_PW });

/** Runs xmgr as admin with `input` on its stdin. */
function asAdminWithStdin(args: string[], input: string): Promise<XmgrResult> {
  return new Promise((done) => {
    const child = execFile(xmgrBin, [...loginArgs(tb, "admin"), ...args], { env: { PATH: childPath, ...user.env, XMGR_PASSWORD: ADMIN_PW }, timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
    child.stdin!.end(input);
  });
}

/** A private file holding `content`, as the new password files must be. */
async function secretFile(name: string, content: string): Promise<string> {
  const path = join(user.home, name);
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

/** Logs in as a real client and keeps it for afterAll. */
async function online(username: string, password: string, resource?: string, sasl2 = false): Promise<Peer> {
  const peer = await (sasl2 ? loginSasl2 : loginLegacy)(tb, { username, password, resource, presence: true });
  peers.push(peer);
  return peer;
}

/** Why a login with this password fails (the rejection's message); "" when it works. */
async function loginFailure(username: string, password: string, sasl2 = false): Promise<string> {
  try {
    const peer = await (sasl2 ? loginSasl2 : loginLegacy)(tb, { username, password });
    await peer.stop();
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

/** The accounts prosodyctl lists on the server itself. */
async function serverAccounts(): Promise<string[]> {
  const result = await tb.prosodyctl(["shell", "user", "list", host]);
  return result.stdout.split("\n").map((line) => line.trim()).filter((line) => /^[^\s@]+@/.test(line));
}

/** Sorted as the module sorts: by user name (Lua's byte order), not by JID. */
const byName = (jids: string[]) => [...jids].sort((a, b) => { const [x, y] = [a.split("@")[0], b.split("@")[0]]; return x < y ? -1 : x > y ? 1 : 0; });

beforeAll(async () => {
  tb = await startTestbed({ hostModules: ["admin_list_users", "admin_roles"] });
  host = tb.host;
  user = await xmgrUser();
  await Promise.all([tb.register("admin", ADMIN_PW), tb.register("bob", BOB_PW), tb.register("alice", "alice-pw"), tb.register("victim", "victim-pw")]);
});

afterAll(async () => {
  await stopAll(...peers);
  await user?.cleanup();
  await tb?.stop();
});

describe("xmgr user create", () => {
  test("--new-password-file: the account logs in with the file's first line", async () => {
    const file = await secretFile("carol.pw", "carol-first-line\nsecond line ignored\n");
    const result = await asAdmin(["user", "create", jid("carol"), "--new-password-file", file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`OK: Created ${jid("carol")} with role prosody:member\n`);
    expect(await loginFailure("carol", "carol-first-line")).toBe("");
  });

  test("--new-password-file - reads stdin", async () => {
    const result = await asAdminWithStdin(["--json", "user", "create", jid("stdin"), "--new-password-file", "-"], "from-stdin-pw\n");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ jid: jid("stdin"), created: true, role: "prosody:member" });
    expect(await loginFailure("stdin", "from-stdin-pw")).toBe("");
  });

  test("--random-password: printed once on stdout (--json: as password), and it logs in", async () => {
    const plain = await asAdmin(["user", "create", jid("dave"), "--random-password"]);
    expect(plain.code).toBe(0);
    const lines = plain.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await loginFailure("dave", lines[0])).toBe("");

    const json = await asAdmin(["--json", "user", "create", jid("erin"), "--random-password"]);
    expect(json.code).toBe(0);
    const created = JSON.parse(json.stdout);
    expect(created).toMatchObject({ jid: jid("erin"), created: true });
    expect(created.password).not.toBe(lines[0]);
    expect(await loginFailure("erin", created.password)).toBe("");
  });

  test("on a terminal: typed twice without echo; the account logs in with it", async () => {
    const term = new TmuxTerminal(user.home, user.env);
    try {
      await term.start([...loginArgs(tb, "admin"), "user", "create", jid("typist")], { XMGR_PASSWORD: ADMIN_PW });
      await term.contains(`New password for ${jid("typist")}: `);
      await term.type("typed-secret-pw");
      await term.keys("Enter");
      await term.contains("Type it again: ");
      await term.type("typed-secret-pw");
      await term.keys("Enter");
      const screen = await term.contains("[exit 0]");
      expect(screen).toContain(`OK: Created ${jid("typist")}`);
      expect(screen).not.toContain("typed-secret-pw");
    } finally {
      await term.kill();
    }
    expect(await loginFailure("typist", "typed-secret-pw")).toBe("");
  });

  test("an existing account: exit 1, the message names the account, its password unchanged", async () => {
    const file = await secretFile("other.pw", "another-password\n");
    const result = await asAdmin(["user", "create", jid("alice"), "--new-password-file", file]);
    expectCleanFailure(result, 1);
    expect(result.stderr).toContain(`! The account ${jid("alice")} already exists; nothing was changed.`);
    expect(result.stderr).toContain(`xmgr user password ${jid("alice")}`);
    expect(await loginFailure("alice", "alice-pw")).toBe("");
  });

  test("no password source and no terminal: exit 2 and no account", async () => {
    const result = await asAdmin(["user", "create", jid("nopw")]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain("--random-password");
    expect(await serverAccounts()).not.toContain(jid("nopw"));
  });

  test("no option takes the password itself: --new-password / --password are unknown (exit 2), not echoed, no account", async () => {
    for (const option of ["--new-password", "--password"]) {
      const result = await asAdmin(["user", "create", jid("argv"), option, "argv-secret-pw"]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/unknown option/);
      expect(result.stderr).not.toContain("argv-secret-pw");
    }
    expect(await serverAccounts()).not.toContain(jid("argv"));
  });

  test("a password file others can read is refused: no account", async () => {
    const file = join(user.home, "open.pw");
    await writeFile(file, "open-pw\n", { mode: 0o644 });
    await chmod(file, 0o644);
    const result = await asAdmin(["user", "create", jid("openpw"), "--new-password-file", file]);
    expectCleanFailure(result, 2);
    expect(await serverAccounts()).not.toContain(jid("openpw"));
  });

  test("-v traces the request without the password", async () => {
    const file = await secretFile("traced.pw", "traced-password-value\n");
    const result = await asAdmin(["-v", "user", "create", jid("traced"), "--new-password-file", file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("admin#add-user");
    expect(result.stderr).not.toContain("traced-password-value");
    const random = await asAdmin(["-v", "user", "create", jid("traced2"), "--random-password"]);
    const password = random.stdout.trim();
    expect(random.stderr).toContain("admin#add-user");
    expect(random.stderr).not.toContain(password);
    expect(await loginFailure("traced2", password)).toBe("");
  });
});

describe("xmgr user password", () => {
  test("the old password fails, the new one works, and the open session was closed", async () => {
    await tb.register("pat", "pat-old-pw");
    const session = await online("pat", "pat-old-pw");
    const file = await secretFile("pat.pw", "pat-new-pw\n");
    const result = await asAdmin(["user", "password", jid("pat"), "--new-password-file", file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^OK: Password of pat@example\.test changed; the server closed its session\n$/);
    await session.closed;
    expect(await loginFailure("pat", "pat-old-pw")).toMatch(/not-authorized/);
    expect(await loginFailure("pat", "pat-new-pw")).toBe("");
  });

  test("an account with no open session: the message does not claim any were closed", async () => {
    await tb.register("quiet", "quiet-old-pw");
    const result = await asAdmin(["user", "password", jid("quiet"), "--random-password"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/changed \(the new one is the line above, shown only this once\); it had no open session\n$/);
  });

  test("--random-password with --json: sessionsClosed counts the sessions the account had", async () => {
    await tb.register("sam", "sam-pw");
    const session = await online("sam", "sam-pw");
    const withSession = await asAdmin(["--json", "user", "password", jid("sam"), "--random-password"]);
    expect(withSession.code).toBe(0);
    expect(JSON.parse(withSession.stdout)).toMatchObject({ jid: jid("sam"), changed: true, sessionsClosed: 1 });
    await session.closed;
    const result = await asAdmin(["--json", "user", "password", jid("pat"), "--random-password"]);
    expect(result.code).toBe(0);
    const changed = JSON.parse(result.stdout);
    expect(changed).toMatchObject({ jid: jid("pat"), changed: true, sessionsClosed: 0 });
    expect(await loginFailure("pat", changed.password)).toBe("");
  });

  test("an unknown account: exit 4", async () => {
    const result = await asAdmin(["user", "password", jid("nobody"), "--random-password"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("User does not exist");
  });
});

describe("xmgr user disable / enable", () => {
  test("disable closes the session and login fails with account-disabled; enable restores it", async () => {
    await tb.register("mallory", "mallory-pw");
    const session = await online("mallory", "mallory-pw");
    const disabled = await asAdmin(["user", "disable", jid("mallory")]);
    expect(disabled.code).toBe(0);
    expect(disabled.stderr).toBe(`OK: Disabled ${jid("mallory")}\n`);
    await session.closed;
    expect(await loginFailure("mallory", "mallory-pw", true)).toMatch(/account-disabled/);

    const enabled = await asAdmin(["--json", "user", "enable", jid("mallory")]);
    expect(enabled.code).toBe(0);
    expect(JSON.parse(enabled.stdout)).toEqual({ accounts: [{ jid: jid("mallory"), ok: true }] });
    expect(await loginFailure("mallory", "mallory-pw", true)).toBe("");
  });

  test("one line per account; an unknown one makes exit 4 and the known one is still disabled", async () => {
    await tb.register("trent", "trent-pw");
    const result = await asAdmin(["user", "disable", jid("trent"), jid("nobody")]);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n").filter(Boolean)).toEqual([`OK: Disabled ${jid("trent")}`, `! ${jid("nobody")} could not be disabled: the server has no such account`]);
    expect(await loginFailure("trent", "trent-pw", true)).toMatch(/account-disabled/);
    const enable = await asAdmin(["user", "enable", jid("nobody")]);
    expect(enable.code).toBe(4);
  });
});

describe("xmgr user delete", () => {
  test("without a terminal and without --yes: refused (exit 2), the account still logs in", async () => {
    const result = await asAdmin(["user", "delete", jid("victim")]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain("--yes");
    expect(await loginFailure("victim", "victim-pw")).toBe("");
  });

  test("--yes: deleted, its open session closed, login fails, gone from the server's list", async () => {
    const session = await online("victim", "victim-pw");
    const result = await asAdmin(["user", "delete", "--yes", jid("victim")]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`OK: Deleted ${jid("victim")}\n`);
    await session.closed;
    expect(await loginFailure("victim", "victim-pw")).toMatch(/not-authorized/);
    expect(await serverAccounts()).not.toContain(jid("victim"));
  });

  test("several accounts, one unknown: one line each, exit 4, --json lists both", async () => {
    await tb.register("gone1", "gone1-pw");
    const result = await asAdmin(["--json", "user", "delete", "--yes", jid("gone1"), jid("nobody")]);
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stdout)).toEqual({ accounts: [{ jid: jid("gone1"), ok: true }, { jid: jid("nobody"), ok: false }] });
    // --json: the failure is a JSON error line on stderr, as every failure of a --json run.
    expect(result.stderr.split("\n").filter(Boolean).map((line) => JSON.parse(line))).toEqual([
      { error: { message: `${jid("nobody")} could not be deleted: the server has no such account`, exitCode: 4 } },
    ]);
    expect(await serverAccounts()).not.toContain(jid("gone1"));
  });

  test("on a terminal the account must be typed: a wrong answer changes nothing, the JID deletes", async () => {
    await tb.register("typed", "typed-pw");
    const term = new TmuxTerminal(user.home, user.env);
    try {
      await term.start([...loginArgs(tb, "admin"), "user", "delete", jid("typed")], { XMGR_PASSWORD: ADMIN_PW });
      await term.contains(`Type ${jid("typed")} to confirm`);
      await term.type("typed");
      await term.keys("Enter");
      const screen = await term.contains("[exit 2]");
      // Says what was typed and what was expected (issue 23).
      expect(screen).toContain(`Cancelled: "typed" is not ${jid("typed")}, which must be typed exactly; nothing was changed.`);
      expect(await serverAccounts()).toContain(jid("typed"));
    } finally {
      await term.kill();
    }
    const again = new TmuxTerminal(user.home, user.env);
    try {
      await again.start([...loginArgs(tb, "admin"), "user", "delete", jid("typed")], { XMGR_PASSWORD: ADMIN_PW });
      await again.contains(`Type ${jid("typed")} to confirm`);
      await again.type(jid("typed"));
      await again.keys("Enter");
      const screen = await again.contains("[exit 0]");
      expect(screen).toContain(`OK: Deleted ${jid("typed")}`);
      expect(await serverAccounts()).not.toContain(jid("typed"));
    } finally {
      await again.kill();
    }
  });
});

describe("Ctrl-C at a prompt exits 130 (128 + SIGINT, as a shell reports it) and changes nothing (issue 23)", () => {
  test("at the confirmation of user delete: exit 130, the account still logs in", async () => {
    await tb.register("kept", "kept-pw");
    const term = new TmuxTerminal(user.home, user.env);
    try {
      await term.start([...loginArgs(tb, "admin"), "user", "delete", jid("kept")], { XMGR_PASSWORD: ADMIN_PW });
      await term.contains(`Type ${jid("kept")} to confirm`);
      await term.keys("C-c");
      const screen = await term.contains(/\[exit \d+\]/);
      expect(screen).toContain("[exit 130]");
      expect(screen).toContain("Cancelled (Ctrl-C): nothing was changed.");
    } finally {
      await term.kill();
    }
    expect(await loginFailure("kept", "kept-pw")).toBe("");
  });

  test("at the new password prompt of user create: exit 130, no account", async () => {
    const term = new TmuxTerminal(user.home, user.env);
    try {
      await term.start([...loginArgs(tb, "admin"), "user", "create", jid("interrupted")], { XMGR_PASSWORD: ADMIN_PW });
      await term.contains("New password");
      await term.keys("C-c");
      const screen = await term.contains(/\[exit \d+\]/);
      expect(screen).toContain("[exit 130]");
    } finally {
      await term.kill();
    }
    expect(await serverAccounts()).not.toContain(jid("interrupted"));
  });
});

describe("xmgr user info, roster show, c2s show / count / close", () => {
  let roster: Peer;
  let laptop: Peer;
  let phone: Peer;

  beforeAll(async () => {
    await tb.register("ruth", "ruth-pw");
    roster = await online("ruth", "ruth-pw", "desk");
    // Prosody pushes roster changes only to sessions that fetched the roster.
    await roster.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    for (const item of [
      xml("item", { jid: jid("bob"), name: "Bobby" }, xml("group", null, "Work"), xml("group", null, "Friends")),
      xml("item", { jid: "carol@elsewhere.test" }),
    ]) {
      const reply = await roster.iq(xml("iq", { type: "set" }, xml("query", { xmlns: "jabber:iq:roster" }, item)));
      expect(reply.attrs.type).toBe("result");
    }
    const pushed = roster.waitFor((el) => el.name === "iq" && el.attrs.type === "set" && el.getChild("query")?.getChild("item")?.attrs.ask === "subscribe");
    await roster.send(xml("presence", { to: jid("bob"), type: "subscribe" }));
    await pushed;
    await tb.register("sam", "sam-pw");
    // SASL2 with bind2: the server binds "laptop~<random>", as it does for most clients today.
    laptop = await online("sam", "sam-pw", "laptop", true);
    phone = await online("sam", "sam-pw", "phone", true);
  });

  test("roster show: the roster the account set, as a table and as JSON", async () => {
    const asJson = await asAdmin(["--json", "roster", "show", jid("ruth")]);
    expect(asJson.code).toBe(0);
    const { jid: account, contacts } = JSON.parse(asJson.stdout);
    expect(account).toBe(jid("ruth"));
    // Prosody keeps a contact's groups as a set: their order is not kept.
    const sorted = [...contacts].sort((a, b) => a.jid.localeCompare(b.jid)).map((c) => ({ ...c, groups: [...c.groups].sort() }));
    expect(sorted).toEqual([
      { jid: jid("bob"), name: "Bobby", subscription: "none", ask: "subscribe", groups: ["Friends", "Work"] },
      { jid: "carol@elsewhere.test", subscription: "none", groups: [] },
    ]);
    const table = await asAdmin(["roster", "show", jid("ruth")]);
    expect(table.code).toBe(0);
    for (const cell of ["Contact", "Subscription", "Groups", "Bobby", "Work", "carol@elsewhere.test"]) expect(table.stdout).toContain(cell);
    expect(table.stderr).toBe("OK: 2 contacts\n");
  });

  test("user info: roster size and the online sessions' resources and IPs", async () => {
    const result = await asAdmin(["--json", "user", "info", jid("sam")]);
    expect(result.code).toBe(0);
    const info = JSON.parse(result.stdout);
    expect(info.jid).toBe(jid("sam"));
    expect(info.rosterSize).toBe(0);
    expect(info.sessions.map((s: { resource: string }) => s.resource).sort()).toEqual([laptop.resource, phone.resource].sort());
    for (const entry of info.sessions) expect(entry.ip).toBe("127.0.0.1");
    const ruth = JSON.parse((await asAdmin(["--json", "user", "info", jid("ruth")])).stdout);
    expect(ruth.rosterSize).toBe(2);
  });

  test("user info / roster show of an unknown account: exit 4", async () => {
    for (const args of [["user", "info", jid("nobody")], ["roster", "show", jid("nobody")]]) {
      const result = await asAdmin(args);
      expectCleanFailure(result, 4);
      expect(result.stderr).toContain("User does not exist");
    }
  });

  test("c2s show lists the real peers with their resources; with a JID only that account's", async () => {
    const all = JSON.parse((await asAdmin(["--json", "c2s", "show"])).stdout);
    expect(all.host).toBe(host);
    const pairs = all.sessions.map((s: { jid: string; resource: string }) => `${s.jid}/${s.resource}`);
    for (const peer of [roster, laptop, phone]) expect(pairs).toContain(peer.jid);
    const ruth = all.sessions.find((s: { jid: string }) => s.jid === jid("ruth"));
    expect(ruth).toMatchObject({ show: "online", priority: 0, ip: "127.0.0.1" });

    const sam = await asAdmin(["--json", "c2s", "show", jid("sam")]);
    expect(JSON.parse(sam.stdout)).toEqual({
      host,
      jid: jid("sam"),
      sessions: [laptop, phone]
        .map((peer) => ({ jid: jid("sam"), resource: peer.resource, show: "online", priority: 0, ip: "127.0.0.1" }))
        .sort((a, b) => a.resource.localeCompare(b.resource)),
    });
    const table = await asAdmin(["c2s", "show", jid("sam")]);
    expect(table.stdout).toContain(laptop.resource);
    expect(table.stderr).toBe("OK: 2 sessions\n");
  });

  test("c2s count: the peers online; xmgr's own session only with --include-self", async () => {
    await tb.xmgrSessionsGone(jid("admin"));
    const online = peers.filter((peer) => !peer.isClosed());
    const result = await asAdmin(["--json", "c2s", "count", host]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ hosts: [host], accounts: new Set(online.map((peer) => peer.jid.split("/")[0])).size, sessions: online.length });
    await tb.xmgrSessionsGone(jid("admin"));
    const withSelf = await asAdmin(["--json", "c2s", "count", host, "--include-self"]);
    expect(JSON.parse(withSelf.stdout)).toEqual({
      hosts: [host],
      accounts: new Set([...online.map((peer) => peer.jid.split("/")[0]), jid("admin")]).size,
      sessions: online.length + 1,
    });
  });

  test("c2s close: a resource without its ~suffix is not connected (exit 4) and nothing closes", async () => {
    const result = await asAdmin(["c2s", "close", `${jid("sam")}/laptop`]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("not connected");
    expect(result.stderr).toContain(laptop.resource);
    expect(laptop.isClosed()).toBe(false);
    expect(phone.isClosed()).toBe(false);
  });

  test("c2s close of a full JID closes that session only; a bare JID closes all", async () => {
    const one = await asAdmin(["c2s", "close", laptop.jid]);
    expect(one.code).toBe(0);
    expect(one.stderr).toBe(`OK: Closed 1 session of ${jid("sam")}: ${laptop.resource}\n`);
    await laptop.closed;
    expect(phone.isClosed()).toBe(false);

    const again = await online("sam", "sam-pw", "tablet");
    const all = await asAdmin(["--json", "c2s", "close", jid("sam")]);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).closed.sort()).toEqual([phone.jid, again.jid].sort());
    await Promise.all([phone.closed, again.closed]);
  });

  test("c2s close of an account that is offline: exit 4, not a false success", async () => {
    const result = await asAdmin(["c2s", "close", jid("sam")]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain(`${jid("sam")} is not connected`);
  });
});

describe("xmgr invite", () => {
  test("create_account: an xmpp: register URI for the host", async () => {
    const result = await asAdmin(["--json", "invite", "create_account"]);
    expect(result.code).toBe(0);
    const invite = JSON.parse(result.stdout);
    expect(invite.host).toBe(host);
    expect(invite.uri).toMatch(/^xmpp:example\.test\?register;preauth=[\w-]+$/);
    expect(Date.parse(invite.expires)).toBeGreaterThan(Date.now());
    const plain = await asAdmin(["invite", "create_account"]);
    expect(plain.stdout).toMatch(/^xmpp:example\.test\?register;preauth=[\w-]+\n$/);
  });

  test("create_reset: an xmpp: URI for the account; an unknown account fails (exit 4)", async () => {
    const result = await asAdmin(["invite", "create_reset", jid("alice")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^xmpp:alice@example\.test\?register;preauth=[\w-]+\n$/);
    const unknown = await asAdmin(["invite", "create_reset", jid("nobody")]);
    expectCleanFailure(unknown, 4);
  });
});

describe("xmgr user list (mod_admin_list_users)", () => {
  test("lists the server's accounts, marks the disabled ones, filters by pattern", async () => {
    await tb.register("listdis", "listdis-pw");
    expect((await asAdmin(["user", "disable", jid("listdis")])).code).toBe(0);
    const expected = byName(await serverAccounts());
    const result = await asAdmin(["--json", "user", "list"]);
    expect(result.code).toBe(0);
    const listing = JSON.parse(result.stdout);
    expect(listing.total).toBe(expected.length);
    expect(listing.accounts.map((a: { jid: string }) => a.jid)).toEqual(expected);
    expect(listing.accounts.filter((a: { disabled: boolean }) => a.disabled).map((a: { jid: string }) => a.jid).sort()).toEqual([jid("listdis"), jid("trent")]);

    const plain = await asAdmin(["user", "list", host, "^listd"]);
    expect(plain.stdout).toBe(`${jid("listdis")}\n`);
    expect(plain.stderr).toBe(`OK: Showing 1 of ${expected.length} accounts on ${host} (1 disabled)\n`);
    const disabled = await asAdmin(["user", "list", "--disabled"]);
    expect(disabled.stdout).toBe(`${jid("listdis")}\n${jid("trent")}\n`);
  });

  test("page by page (--page-size 2): the same accounts, each once", async () => {
    const expected = byName(await serverAccounts());
    const paged = await asAdmin(["-v", "--json", "user", "list", "--page-size", "2"]);
    expect(paged.code).toBe(0);
    expect(JSON.parse(paged.stdout).accounts.map((a: { jid: string }) => a.jid)).toEqual(expected);
    // One request per page of each list, and the last page holds fewer than 2 (maybe none).
    const requests = paged.stderr.split("\n").filter((line) => line.startsWith("SEND") && line.includes("get-registered-users-list"));
    expect(requests).toHaveLength(Math.floor(expected.length / 2) + 1);
    const bad = await asAdmin(["user", "list", "--page-size", "0"]);
    expectCleanFailure(bad, 2);
  });

  test("--limit N prints the first N accounts and stops cleanly (exit 0, says there are more); JSON says more: true", async () => {
    const expected = byName(await serverAccounts());
    expect(expected.length).toBeGreaterThan(3);
    const limited = await asAdmin(["user", "list", "--limit", "3", "--page-size", "2"]);
    expect(limited.code).toBe(0);
    expect(limited.stdout).toBe(`${expected.slice(0, 3).join("\n")}\n`);
    expect(limited.stderr).toMatch(/^OK: Showing the first 3 accounts on example\.test.*--limit 3 reached, there are more\n$/);
    const json = JSON.parse((await asAdmin(["--json", "user", "list", "--limit", "2"])).stdout);
    expect(json).toEqual({ host, accounts: expected.slice(0, 2).map((account) => expect.objectContaining({ jid: account })), more: true });
    const all = JSON.parse((await asAdmin(["--json", "user", "list", "--limit", String(expected.length)])).stdout);
    expect(all.accounts).toHaveLength(expected.length);
    expectCleanFailure(await asAdmin(["user", "list", "--limit", "0"]), 2);
    expectCleanFailure(await asAdmin(["user", "list", "--limit", "1e3"]), 2);
  });

  test("the module answers XEP-0133 clients: counts, max_items, and a plain user is refused and not offered", async () => {
    const admin = await online("admin", ADMIN_PW);
    const bob = await online("bob", BOB_PW);
    const command = (node: string, fields: Record<string, string> = {}) =>
      xml("iq", { type: "set", to: host }, xml("command", { xmlns: "http://jabber.org/protocol/commands", node: `http://jabber.org/protocol/admin#${node}`, action: "execute" },
        xml("x", { xmlns: "jabber:x:data", type: "submit" }, ...Object.entries(fields).map(([name, value]) => xml("field", { var: name }, xml("value", null, value))))));
    const value = (reply: Awaited<ReturnType<Peer["iq"]>>, name: string) =>
      reply.getChild("command")!.getChild("x")!.getChildren("field").find((f) => f.attrs.var === name)!.getChildren("value").map((v) => v.text());

    const accounts = byName(await serverAccounts());
    expect(value(await admin.iq(command("get-registered-users-num")), "registeredusersnum")).toEqual([String(accounts.length)]);
    expect(value(await admin.iq(command("get-disabled-users-num")), "disabledusersnum")).toEqual(["2"]);
    expect(value(await admin.iq(command("get-registered-users-list", { max_items: "2" })), "registereduserjids")).toEqual(accounts.slice(0, 2));
    // The module's own "after" field: the next page starts after the given account.
    expect(value(await admin.iq(command("get-registered-users-list", { max_items: "3", after: accounts[1] })), "registereduserjids")).toEqual(accounts.slice(2, 5));
    expect(value(await admin.iq(command("get-disabled-users-list", { max_items: "none" })), "disableduserjids")).toEqual([jid("listdis"), jid("trent")]);

    const refused = await bob.iq(command("get-registered-users-list"));
    expect(refused.attrs.type).toBe("error");
    expect(refused.getChild("error")!.getChild("forbidden")).toBeDefined();
    const disco = await bob.iq(xml("iq", { type: "get", to: host }, xml("query", { xmlns: "http://jabber.org/protocol/disco#items", node: "http://jabber.org/protocol/commands" })));
    expect(disco.toString()).not.toContain("users-list");
  });

  test("without the module: exit 5 naming it and the README section", async () => {
    const unload = await tb.prosodyctl(["shell", "module", "unload", "admin_list_users", host]);
    expect(unload.code).toBe(0);
    const result = await asAdmin(["user", "list"]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain("mod_admin_list_users");
    expect(result.stderr).toContain('README, "Listing accounts: mod_admin_list_users"');
  });
});

describe("a plain user is refused by each command (exit 5, needs a server admin)", () => {
  const commands: [string, string[]][] = [
    ["user create", ["user", "create", "new1@example.test", "--random-password"]],
    ["user password", ["user", "password", "alice@example.test", "--random-password"]],
    ["user delete", ["user", "delete", "--yes", "alice@example.test"]],
    ["user disable", ["user", "disable", "alice@example.test"]],
    ["user enable", ["user", "enable", "alice@example.test"]],
    ["user info", ["user", "info", "alice@example.test"]],
    ["user list", ["user", "list"]],
    ["roster show", ["roster", "show", "alice@example.test"]],
    ["c2s show", ["c2s", "show"]],
    ["c2s count", ["c2s", "count"]],
    ["c2s close", ["c2s", "close", "alice@example.test"]],
    ["invite create_account", ["invite", "create_account"]],
    ["invite create_reset", ["invite", "create_reset", "alice@example.test"]],
  ];
  beforeAll(async () => {
    expect((await tb.prosodyctl(["shell", "module", "load", "admin_list_users", host])).code).toBe(0);
  });
  test.each(commands)("%s: names the xmgr command, not the ad-hoc node (issue 23)", async (name, args) => {
    const result = await asBob(args);
    expectCleanFailure(result, 5);
    expect(result.stderr).toMatch(ADMIN_HINT);
    expect(result.stderr).toContain(`${host} refused xmgr ${name}: `);
    expect(result.stderr).not.toMatch(/https?:\/\/|urn:xmpp|xmpp:prosody/);
  });

  test("in xmgr shell too, the refusal names the command, not the ad-hoc node (issue 23)", async () => {
    const result = await asBob(["shell", "-c", "user info alice@example.test"]);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`${host} refused xmgr user info: `);
    expect(result.stderr).not.toMatch(/https?:\/\/|urn:xmpp|xmpp:prosody/);
  });

  test("and nothing changed: alice still logs in with her password, new1 does not exist", async () => {
    expect(await loginFailure("alice", "alice-pw", true)).toBe("");
    expect(await serverAccounts()).not.toContain("new1@example.test");
  });
});

describe("xmgr shell: accounts created in one session", () => {
  test("a batch of user create lines, pipelined; each account logs in", async () => {
    const file = await secretFile("batch.pw", "batch-pw\n");
    const lines = ["b1", "b2", "b3"].map((name) => `user create ${jid(name)} --new-password-file ${file}`).join("\n");
    const result = await asAdminWithStdin(["shell"], `${lines}\n`);
    expect(result.code).toBe(0);
    expect(result.stderr.match(/^OK: Created b\d@example\.test with role prosody:member$/gm)).toEqual(
      ["b1", "b2", "b3"].map((name) => `OK: Created ${name}@example.test with role prosody:member`),
    );
    for (const name of ["b1", "b2", "b3"]) expect(await loginFailure(name, "batch-pw")).toBe("");
  });

  test("--new-password-file - is refused in the shell (stdin holds the commands)", async () => {
    const result = await asAdminWithStdin(["shell"], `user create ${jid("b4")} --new-password-file -\n`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("stdin holds the commands");
    expect(await serverAccounts()).not.toContain(jid("b4"));
  });
});

describe("acting on xmgr's own login account (the server closes this session before it answers)", () => {
  test("c2s close of the own account and a --random-password change of the own password still succeed", async () => {
    const fresh = await xmgrUser(); // a profile of its own
    try {
      const own = (args: string[], password: string) => fresh.run([...loginArgs(tb, "admin"), ...args], { XMGR_PASSWORD: password });
      const adminPeers = peers.filter((peer) => peer.jid.startsWith(`${jid("admin")}/`) && !peer.isClosed());
      await tb.xmgrSessionsGone(jid("admin"));
      const closed = await own(["--json", "c2s", "close", jid("admin")], ADMIN_PW);
      expect(closed.code).toBe(0);
      const closedJids: string[] = JSON.parse(closed.stdout).closed;
      expect(closedJids.filter((full) => !adminPeers.some((peer) => peer.jid === full))).toEqual([expect.stringMatching(/^admin@example\.test\/xmgr-[0-9a-f]{6}~/)]);
      expect(closedJids).toHaveLength(adminPeers.length + 1);
      await Promise.all(adminPeers.map((peer) => peer.closed));

      const changed = await own(["--json", "user", "password", jid("admin"), "--random-password"], ADMIN_PW);
      expect(changed.code).toBe(0);
      const { password } = JSON.parse(changed.stdout);
      expect(await loginFailure("admin", ADMIN_PW)).toMatch(/not-authorized/);
      expect(await loginFailure("admin", password)).toBe("");
      // Back to the password the other tests use.
      const file = await secretFile("admin.pw", `${ADMIN_PW}\n`);
      expect((await fresh.run([...loginArgs(tb, "admin"), "user", "password", jid("admin"), "--new-password-file", file], { XMGR_PASSWORD: password })).code).toBe(0);
      expect(await loginFailure("admin", ADMIN_PW)).toBe("");
    } finally {
      await fresh.cleanup();
    }
  });
});
