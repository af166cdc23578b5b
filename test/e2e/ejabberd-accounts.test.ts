/**
 * Issue 24, the account commands on a real ejabberd 24.12 (test/support/ejabberd-testbed.ts): each
 * side effect checked on the server with ejabberdctl or with real clients logging in. Also the
 * dialect found at the first login and kept per profile (servers.json).
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startEjabberd, type EjabberdTestbed } from "../support/ejabberd-testbed.js";
import { loginLegacy, stopAll, type Peer } from "../support/peers.js";
import { loginArgs, xmgrUser, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";
import { loadSchema, validate } from "../support/json-schema.js";

const ADMIN_PW = "admin-secret-pw";
const ALICE_PW = "alice-secret-pw";

let ej: EjabberdTestbed;
let user: XmgrUser;
const peers: Peer[] = [];
const jid = (name: string) => `${name}@${ej.host}`;
const asAdmin = (args: string[]) => user.run([...loginArgs(ej, "admin"), ...args], { XMGR_PASSWORD: ADMIN_PW });

async function secretFile(name: string, content: string): Promise<string> {
  const path = join(user.home, name);
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

/** Why a login with this password fails; "" when it works. */
async function loginFailure(username: string, password: string): Promise<string> {
  try {
    const peer = await loginLegacy(ej, { username, password });
    await peer.stop();
    return "";
  } catch (error) {
    return (error as Error).message || "failed";
  }
}

/** Whether ejabberd takes this password for the account (ejabberdctl check_password). */
async function passwordIs(username: string, password: string): Promise<boolean> {
  return (await ej.ctl(["check_password", username, ej.host, password])).code === 0;
}

beforeAll(async () => {
  ej = await startEjabberd();
  user = await xmgrUser();
  await Promise.all([
    ej.register("admin", ADMIN_PW),
    ej.register("alice", ALICE_PW),
    ej.register("bob", "bob-pw"),
    ej.register("carol", "carol-pw"),
    ej.register("dave", "dave-pw"),
    ej.register("erin", "erin-pw"),
    ej.register("never", "never-pw"),
  ]);
});

afterAll(async () => {
  await stopAll(...peers);
  await ej?.stop();
  await user?.cleanup();
});

describe("ejabberd: the dialect", () => {
  test("the first login finds ejabberd (disco#info identity) and keeps it in the profile's servers.json", async () => {
    const result = await asAdmin(["user", "info", jid("alice")]);
    expect(result.code).toBe(0);
    const kept = JSON.parse(await readFile(join(user.stateDir, "default", "servers.json"), "utf8")) as Record<string, { dialect: string; software: string; mark: string }>;
    expect(kept[ej.host]).toMatchObject({ dialect: "ejabberd", software: "ejabberd" });
    expect(kept[ej.host].mark).toMatch(/^[0-9a-f]{32}$/);
  });

  test("a kept dialect from other login features (another server was at this address) is looked up again", async () => {
    const file = join(user.stateDir, "default", "servers.json");
    const kept = JSON.parse(await readFile(file, "utf8")) as Record<string, { mark: string; dialect: string }>;
    await writeFile(file, JSON.stringify({ [ej.host]: { mark: "0".repeat(32), dialect: "prosody", software: "Prosody" } }), { mode: 0o600 });
    // On the Prosody path an unknown account's empty user-stats would pass; found as ejabberd, it is exit 4.
    const result = await asAdmin(["user", "info", jid("nobody")]);
    expectCleanFailure(result, 4);
    const now = JSON.parse(await readFile(file, "utf8")) as Record<string, { mark: string; dialect: string }>;
    expect(now[ej.host]).toEqual(kept[ej.host]);
  });
});

describe("ejabberd: user info", () => {
  test("an existing account: its roster size and its online session, resource with ejabberd's .RANDOM suffix", async () => {
    const alice = await loginLegacy(ej, { username: "alice", password: ALICE_PW, resource: "laptop", presence: true });
    peers.push(alice);
    const result = await asAdmin(["--json", "user", "info", jid("alice")]);
    expect(result.code).toBe(0);
    const stats = JSON.parse(result.stdout) as { jid: string; rosterSize: number; sessions: { resource: string; ip: string }[] };
    expect(stats.jid).toBe(jid("alice"));
    expect(stats.rosterSize).toBe(0);
    expect(stats.sessions.map((s) => s.resource)).toContain(alice.resource);
    expect(stats.sessions.find((s) => s.resource === alice.resource)!.ip).toMatch(/^127\.0\.0\.1/);
  });

  test("an account that never logged in is still shown (exit 0): get-user-lastlogin's Never is checked in the list of accounts", async () => {
    const result = await asAdmin(["user", "info", jid("never")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Account      ${jid("never")}`);
    expect(result.stdout).toContain("Sessions     0");
  });

  test("an unknown account is exit 4, not an empty account", async () => {
    const result = await asAdmin(["user", "info", jid("nobody")]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain(`There is no account ${jid("nobody")}`);
  });
});

describe("ejabberd: user create", () => {
  test("a new account can log in with the password from the file", async () => {
    const file = await secretFile("frank.pw", "frank-new-pw\n");
    const result = await asAdmin(["user", "create", jid("frank"), "--new-password-file", file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`OK: Created ${jid("frank")}\n`);
    expect(await ej.accountExists("frank")).toBe(true);
    expect(await loginFailure("frank", "frank-new-pw")).toBe("");
  });

  test("an existing account: 'already exists' naming it (exit 1); its password unchanged, and the new one not in ejabberd's log", async () => {
    const file = await secretFile("bob-again.pw", "bob-other-pw-4711\n");
    const result = await asAdmin(["user", "create", jid("bob"), "--new-password-file", file]);
    expectCleanFailure(result, 1);
    expect(result.stderr).toContain(`The account ${jid("bob")} already exists; nothing was changed.`);
    expect(await passwordIs("bob", "bob-pw")).toBe(true);
    expect(ej.log()).not.toContain("bob-other-pw-4711");
  });

  test("an account at a host ejabberd does not serve: 'No such host' (exit 4), pointing at host list", async () => {
    const file = await secretFile("hugo.pw", "hugo-pw-elsewhere\n");
    const result = await asAdmin(["user", "create", "hugo@nowhere.test", "--new-password-file", file]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toMatch(/^! No such host: nowhere\.test is not an active host of this server\.\n.*xmgr host list/);
    expect(ej.log()).not.toContain("hugo-pw-elsewhere");
  });

  test("--role is refused (exit 5) before anything is created: ejabberd sets no roles over XMPP", async () => {
    const file = await secretFile("gina.pw", "gina-pw\n");
    const result = await asAdmin(["user", "create", jid("gina"), "--new-password-file", file, "--role", "admin"]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain("ejabberd sets no roles over XMPP");
    expect(result.stderr).not.toMatch(/prosody/i);
    expect(await ej.accountExists("gina")).toBe(false);
  });
});

describe("ejabberd: user password", () => {
  test("the password changes; the open session stays, and xmgr says so instead of claiming it was closed", async () => {
    const carol = await loginLegacy(ej, { username: "carol", password: "carol-pw", resource: "desk", presence: true });
    peers.push(carol);
    const file = await secretFile("carol.pw", "carol-new-pw\n");
    const result = await asAdmin(["user", "password", jid("carol"), "--new-password-file", file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`OK: Password of ${jid("carol")} changed; its open session stays connected (xmgr c2s close ${jid("carol")} ends it)\n`);
    expect(await loginFailure("carol", "carol-new-pw")).toBe("");
    expect(await passwordIs("carol", "carol-new-pw")).toBe(true);
    expect(await passwordIs("carol", "carol-pw")).toBe(false);
    expect(carol.isClosed()).toBe(false);
    expect(await ej.resources("carol")).toContain(carol.resource);
  });

  test("an unknown account: exit 4 before any password is sent, so none lands in ejabberd's log", async () => {
    const result = await asAdmin(["user", "password", jid("nobody"), "--random-password"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain(`There is no account ${jid("nobody")}; no password was sent.`);
    expect(ej.log()).not.toMatch(/change-user-password/);
    expect(await ej.accountExists("nobody")).toBe(false);
  });
});

describe("ejabberd: user delete", () => {
  test("ejabberd's bare `completed` is success: Deleted, exit 0, and the account is gone", async () => {
    const result = await asAdmin(["user", "delete", "--yes", jid("dave")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`OK: Deleted ${jid("dave")}\n`);
    expect(await ej.accountExists("dave")).toBe(false);
  });

  test("one unknown account among others: the others are deleted (one request each), the unknown one is exit 4", async () => {
    const result = await asAdmin(["user", "delete", "--yes", jid("erin"), jid("nobody"), jid("frank")]);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`OK: Deleted ${jid("erin")}\n! ${jid("nobody")} could not be deleted: the server has no such account\nOK: Deleted ${jid("frank")}\n`);
    expect(await ej.accountExists("erin")).toBe(false);
    expect(await ej.accountExists("frank")).toBe(false);
  });
});

describe("ejabberd: user list", () => {
  test("every account, from one bare execute (ejabberd refuses any form there), as ejabberdctl registered_users lists them", async () => {
    const result = await asAdmin(["user", "list"]);
    expect(result.code).toBe(0);
    const listed = result.stdout.trim().split("\n").sort();
    const ctl = await ej.ctl(["registered_users", ej.host]);
    expect(ctl.code).toBe(0);
    expect(listed).toEqual(ctl.stdout.trim().split("\n").map((name) => jid(name.trim())).sort());
    expect(listed).toContain(jid("alice"));
    expect(result.stderr).toBe(`OK: Showing all ${listed.length} accounts on ${ej.host}\n`);
  });

  test("PATTERN filters here, as a Lua pattern; --json has Prosody's shape, with \"disabled\": null (ejabberd cannot say)", async () => {
    const result = await asAdmin(["--json", "user", "list", ej.host, "^[ab]"]);
    expect(result.code).toBe(0);
    const data = JSON.parse(result.stdout) as { host: string; accounts: { jid: string; disabled: boolean | null }[]; total: number };
    expect(data.host).toBe(ej.host);
    expect(data.accounts.map((account) => account.jid).sort()).toEqual([jid("admin"), jid("alice"), jid("bob")]);
    expect(data.accounts.map((account) => account.disabled)).toEqual([null, null, null]);
    expect(validate(loadSchema("user-list.json"), data, "user-list.json")).toEqual([]);
    expect(data.total).toBeGreaterThanOrEqual(4);
  });

  test("--disabled is refused (exit 5): ejabberd has no disabled-accounts list over XMPP", async () => {
    const result = await asAdmin(["user", "list", "--disabled"]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain("ejabberd has no list of disabled accounts over XMPP");
    expect(result.stderr).toContain("ejabberdctl get_ban_details");
    expect(result.stderr).not.toMatch(/prosody/i);
  });
});

describe("ejabberd: commands it offers no XMPP way for are refused in one line, exit 5, naming what does it instead", () => {
  const cases: [string, string[], RegExp][] = [
    ["user disable", ["user", "disable", "alice@example.test"], /ejabberdctl ban_account/],
    ["user enable", ["user", "enable", "alice@example.test"], /ejabberdctl unban_account/],
    ["user clients", ["user", "clients", "alice@example.test"], /ejabberd lists no clients/],
    ["user revoke_client", ["user", "revoke_client", "alice@example.test", "software/Gajim"], /ejabberd revokes no clients/],
    ["user role", ["user", "role", "alice@example.test"], /acl/],
    ["roster show", ["roster", "show", "alice@example.test"], /ejabberdctl get_roster USER HOST/],
    ["module list", ["module", "list"], /ejabberdctl modules_installed/],
    ["module load", ["module", "load", "time"], /ejabberdctl reload_config/],
    ["module unload", ["module", "unload", "time"], /ejabberdctl reload_config/],
    ["module reload", ["module", "reload", "time"], /ejabberdctl restart_module HOST MODULE/],
    ["config reload", ["config", "reload"], /ejabberdctl reload_config/],
    ["host activate", ["host", "activate", "example.test"], /ejabberdctl reload_config/],
    ["host deactivate", ["host", "deactivate", "example.test", "--yes"], /ejabberdctl reload_config/],
    ["s2s show", ["s2s", "show"], /ejabberdctl incoming_s2s_number/],
    ["invite create_account", ["invite", "create_account"], /ejabberdctl register USER HOST PASSWORD/],
    ["invite create_reset", ["invite", "create_reset", "alice@example.test"], /ejabberdctl change_password USER HOST PASSWORD/],
  ];

  test.each(cases)("%s", async (_name, args, instead) => {
    const result = await asAdmin(args);
    expectCleanFailure(result, 5);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^! ejabberd does not offer this over XMPP; use /);
    // "use" names something to use: a command or a setting, never "nothing".
    expect(result.stderr).not.toMatch(/; use nothing/);
    expect(result.stderr).toMatch(instead);
    expect(result.stderr).not.toMatch(/prosody/i);
  });

  test("nothing was changed: alice can still log in, and the host still serves", async () => {
    expect(await ej.accountExists("alice")).toBe(true);
    expect(await loginFailure("alice", ALICE_PW)).toBe("");
  });
});
