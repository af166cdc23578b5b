/**
 * One JSON style (issue 23): every command that prints JSON is run with --json by the built
 * bin/xmgr against the real test bed, and what it prints is checked against its schema in
 * test/schemas/ (the shapes the man page's JSON OUTPUT documents; test/unit/json-docs.test.ts
 * keeps the two in step). server shutdown is checked the same way in server-shutdown.test.ts,
 * where the server may go down. A failure with --json is one JSON error line on stderr.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginLegacy, stopAll, type Peer } from "../support/peers.js";
import { loginArgs, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { commandSchemaFiles, loadSchema, validate } from "../support/json-schema.js";

const PW = { admin: "admin-json-pw", alice: "alice-json-pw", bob: "bob-json-pw" } as const;

let tb: Testbed;
let user: XmgrUser;
let alice: Peer;
let bob: Peer;

const admin = (args: string[]): Promise<XmgrResult> => user.run([...loginArgs(tb, "admin"), ...args], { XMGR_PASSWORD: PW.admin });

/** The schema file whose title names the command ("user delete" is in user-delete.json: "user delete, user disable, user enable"). */
function schemaFileOf(command: string): string {
  const file = commandSchemaFiles().find((name) => String(loadSchema(name).title).split(", ").includes(command));
  if (!file) throw new Error(`no schema in test/schemas/ names "${command}"`);
  return file;
}

const checked = new Set<string>();

/**
 * Runs `xmgr --json COMMAND ARGS…` as the admin: exit 0, one document on stdout that fits the
 * command's schema, nothing on stderr (or, with `warns`, only JSON warning lines).
 */
async function fits(command: string, args: string[] = [], warns = false): Promise<Record<string, unknown>> {
  const result = await admin(["--json", ...command.split(" "), ...args]);
  const stderr = warns ? result.stderr.split("\n").filter((line) => line !== "" && !("warning" in JSON.parse(line))).join("\n") : result.stderr;
  expect({ command, code: result.code, stderr }).toEqual({ command, code: 0, stderr: "" });
  const document = JSON.parse(result.stdout) as Record<string, unknown>;
  const file = schemaFileOf(command);
  expect({ command, errors: validate(loadSchema(file), document, file) }).toEqual({ command, errors: [] });
  checked.add(file);
  return document;
}

const room = (name: string) => `${name}@${tb.mucOwnersHost}`;

beforeAll(async () => {
  // xmgr's own modules too, so that every optional key can show up (roles, session details, host types).
  tb = await startTestbed({ hostModules: ["admin_list_users", "admin_roles", "admin_hosts", "admin_sessions"] });
  await Promise.all([tb.register("admin", PW.admin), tb.register("alice", PW.alice), tb.register("bob", PW.bob)]);
  user = await xmgrUser();
  [alice, bob] = await Promise.all([loginLegacy(tb, { username: "alice", password: PW.alice }), loginLegacy(tb, { username: "bob", password: PW.bob })]);
});

afterAll(async () => {
  await stopAll(alice, bob);
  await user?.cleanup();
  await tb?.stop();
});

describe("every command's --json output fits its schema", () => {
  test("login, whoami, session stop (the profile's commands)", async () => {
    const login = await fits("login");
    expect(login.jid).toBe(`admin@${tb.host}`);
    await fits("whoami");
    await fits("session stop");
  });

  test("server version, uptime, info; module list, load, unload, reload; config reload; host list, deactivate, activate; s2s show; xmpp ping; announce", async () => {
    await fits("server version");
    const uptime = await fits("server uptime");
    expect(typeof uptime.seconds).toBe("number");
    await fits("server info");
    await fits("module list");
    await fits("module load", ["time"]);
    await fits("module reload", ["time"]);
    await fits("module unload", ["time"]);
    await fits("config reload");
    await fits("host list");
    await fits("host deactivate", [tb.mucHost, "--yes"]);
    // A warning: the host list does not hold a deactivated component (checked as JSON in fits).
    await fits("host activate", [tb.mucHost], true);
    await fits("s2s show");
    const ping = await fits("xmpp ping", [tb.host, "-c", "2", "-i", "0"]);
    expect(ping).toMatchObject({ jid: tb.host, sent: 2, received: 2 });
    await fits("announce", ["Schema check"]);
  });

  test("user create, password, info, list, role, clients, revoke_client, disable, enable, delete; roster show; invites", async () => {
    const created = await fits("user create", [`carol@${tb.host}`, "--random-password"]);
    expect(created).toMatchObject({ jid: `carol@${tb.host}`, created: true });
    await fits("user password", [`carol@${tb.host}`, "--random-password"]);
    const info = await fits("user info", [`alice@${tb.host}`]);
    expect(info.rosterSize).toBe(0);
    const list = await fits("user list", [tb.host]);
    expect(typeof list.total).toBe("number");
    await fits("user role", [`carol@${tb.host}`]);
    await fits("user role", [`carol@${tb.host}`, "prosody:registered"]);
    await tb.createGrant("alice", PW.alice);
    const clients = await fits("user clients", [`alice@${tb.host}`]);
    const grant = (clients.clients as { id: string }[]).find((client) => client.id.startsWith("grant/"))!;
    await fits("user revoke_client", [`alice@${tb.host}`, grant.id]);
    await fits("user disable", [`carol@${tb.host}`]);
    await fits("user enable", [`carol@${tb.host}`]);
    await fits("user delete", [`carol@${tb.host}`, "--yes"]);
    await fits("roster show", [`bob@${tb.host}`]);
    await fits("invite create_account");
    await fits("invite create_reset", [`bob@${tb.host}`]);
  });

  test("c2s show (a host, an account), count, close", async () => {
    const all = await fits("c2s show");
    expect((all.sessions as { jid: string }[]).map((session) => session.jid)).toContain(`alice@${tb.host}`);
    await fits("c2s show", [`alice@${tb.host}`, "--columns", "account,resource,id,role,created"]);
    const count = await fits("c2s count");
    expect(count.hosts).toContain(tb.host);
    await fits("c2s close", [`bob@${tb.host}`]);
  });

  test("muc create, info, list, affiliations, occupants, affiliation, ban, unban, kick, destroy", async () => {
    await fits("muc create", [room("schema"), "--persistent", "--name", "Schema"]);
    await alice.joinRoom(room("schema"), "Alice");
    await fits("muc info", [room("schema")]);
    const all = await fits("muc list", ["--all", tb.mucOwnersHost]);
    // Prosody's muc#destroy form names every room: none can be missing.
    expect(all).toMatchObject({ all: true, hiddenMayBeMissing: false });
    const publicOnly = await fits("muc list", [tb.mucOwnersHost]);
    expect(publicOnly.all).toBe(false);
    expect("hiddenMayBeMissing" in publicOnly).toBe(false);
    await fits("muc affiliation", [room("schema"), `alice@${tb.host}`, "member"]);
    await fits("muc affiliations", [room("schema")]);
    const occupants = await fits("muc occupants", [room("schema")]);
    expect(occupants.total).toBe(1);
    await fits("muc ban", [room("schema"), `mallory@${tb.host}`, "Spamming"]);
    await fits("muc unban", [room("schema"), `mallory@${tb.host}`]);
    const kick = await fits("muc kick", [room("schema"), "Alice", "Schema check"]);
    expect(kick).toMatchObject({ nick: "Alice", kicked: true });
    await fits("muc destroy", [room("schema"), "--yes"]);
  });

  test("adhoc list, adhoc run", async () => {
    await fits("adhoc list");
    await fits("adhoc run", ["http://jabber.org/protocol/admin#user-stats", `accountjid=alice@${tb.host}`]);
  });

  test("logout (last: it ends the saved login)", async () => {
    const logout = await fits("logout");
    expect(logout.jid).toBe(`admin@${tb.host}`);
  });

  test("every schema was used above but server shutdown's (server-shutdown.test.ts)", () => {
    const left = commandSchemaFiles().filter((file) => !checked.has(file));
    expect(left).toEqual([schemaFileOf("server shutdown")]);
  });
});

describe("stderr with --json holds JSON lines only", () => {
  test("a warning is one JSON line on stderr, the document on stdout", async () => {
    // mod_version is loaded (server version answers): loading it again is a warning, not a failure.
    const again = await admin(["--json", "module", "load", "version"]);
    expect(again.code).toBe(0);
    expect(validate(loadSchema("module-load.json"), JSON.parse(again.stdout), "module-load.json")).toEqual([]);
    const lines = again.stderr.split("\n").filter(Boolean).map((line) => JSON.parse(line));
    expect(lines).toEqual([{ warning: { message: expect.stringContaining("version was already loaded") } }]);
  });

  test("is one JSON error line on stderr, nothing on stdout, its exitCode the exit status (one-shot, and a usage error)", async () => {
    for (const [args, code] of [[["user", "info", `nobody@${tb.host}`], 4], [["user", "info"], 2], [["user", "infox"], 2]] as const) {
      const result = await admin(["--json", ...args]);
      expect(result.code).toBe(code);
      expect(result.stdout).toBe("");
      const lines = result.stderr.split("\n").filter(Boolean);
      expect(lines).toHaveLength(1);
      const failure = JSON.parse(lines[0]);
      expect(validate({ $ref: "common.json#/$defs/failure" }, failure, "common.json")).toEqual([]);
      expect(failure.error.exitCode).toBe(code);
    }
  });
});
