/**
 * Issue 23, "Fidelity with prosodyctl shell": the same query through xmgr (over XMPP, the built
 * bin/xmgr) and through `prosodyctl shell` on the server itself, on one real Prosody 13 test bed
 * with the same state, and the data compared.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginLegacy, loginSasl2, stopAll, xml, type Peer } from "../support/peers.js";
import { loginArgs, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";

const PASSWORD = "parity-pw-23";
const NAMES = ["admin", "alice", "bob", "carol", "dave", "emmy", "sally", "lol", "hostadmin"];

/** A second VirtualHost of the test bed. */
const OTHER_HOST = "other.test";

let tb: Testbed;
let user: XmgrUser;
let alice: Peer;
let bob: Peer;
let carol: Peer;
let olga: Peer;

const xmgr = (args: string[], account = "admin"): Promise<XmgrResult> => user.run([...loginArgs(tb, account), ...args], { XMGR_PASSWORD: PASSWORD });
const json = (result: XmgrResult) => {
  expect(result.stderr).not.toMatch(/^! /m);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

async function shell(...args: string[]): Promise<string> {
  const result = await tb.prosodyctl(["shell", ...args]);
  expect(result.code).toBe(0);
  return result.stdout;
}

/** `prosodyctl shell c2s show`'s rows: JID cell → its Status cell (blank for no presence). A JID too long for its column ends in "…". */
async function shellSessions(): Promise<Map<string, string>> {
  const rows = (await shell("c2s", "show")).split("\n").map((line) => line.split("|").map((cell) => cell.trim()));
  const header = rows.find((cells) => cells.includes("JID") && cells.includes("Status"))!;
  const [jidAt, statusAt] = [header.indexOf("JID"), header.indexOf("Status")];
  return new Map(rows.filter((cells) => /^[^\s@]+@[^\s/]+\/\S/.test(cells[jidAt] ?? "")).map((cells) => [cells[jidAt], cells[statusAt] ?? ""]));
}

/** Whether a JID cell of prosodyctl's table stands for `full` (itself, or its start followed by "…"). */
const cellOf = (cell: string, full: string) => cell === full || (cell.endsWith("…") && full.startsWith(cell.slice(0, -1)));

/** xmgr's rows as prosodyctl's table writes them: its JID cell (found among `cells`) → the show. */
function asShellRows(rows: { jid: string; resource: string; show?: string }[], cells: Iterable<string>): Map<string, string> {
  const known = [...cells];
  return new Map(rows.map((row) => {
    const full = `${row.jid}/${row.resource}`;
    return [known.find((cell) => cellOf(cell, full)) ?? full, row.show ?? ""];
  }));
}

/** Waits until prosodyctl shows `full` with `status` (a presence takes a moment to reach the server). */
async function shellShows(full: string, status: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const shown = [...(await shellSessions())].find(([cell]) => cellOf(cell, full));
    if (shown?.[1] === status) return;
    if (Date.now() > deadline) throw new Error(`prosodyctl never showed ${full} as ${JSON.stringify(status)}`);
  }
}

beforeAll(async () => {
  tb = await startTestbed({ hostModules: ["admin_list_users", "admin_roles", "admin_hosts", "admin_sessions"], extraVirtualHosts: [OTHER_HOST] });
  await tb.prosodyctl(["register", "olga", OTHER_HOST, PASSWORD]);
  await Promise.all(NAMES.map((name) => tb.register(name, PASSWORD)));
  user = await xmgrUser();
  // A host admin who is not an operator: prosody:admin on the host only.
  expect(await shell(`user:set_role("hostadmin@${tb.host}", "${tb.host}", "prosody:admin")`)).toContain("prosody:admin");
  // alice: available (prosodyctl "online"); bob: no presence (blank); carol: away.
  [alice, bob, carol] = await Promise.all([
    loginSasl2(tb, { username: "alice", password: PASSWORD, resource: "phone", presence: true }),
    loginLegacy(tb, { username: "bob", password: PASSWORD }),
    loginLegacy(tb, { username: "carol", password: PASSWORD }),
  ]);
  olga = await loginLegacy(tb, { username: "olga", password: PASSWORD, domain: OTHER_HOST });
  await carol.send(xml("presence", {}, xml("show", {}, "away")));
  await Promise.all([shellShows(alice.jid, "online"), shellShows(bob.jid, ""), shellShows(carol.jid, "away")]);
});

afterAll(async () => {
  await stopAll(alice, bob, carol, olga);
  await user?.cleanup();
  await tb?.stop();
});

describe("c2s show / c2s count", () => {
  test("c2s show: the sessions prosodyctl shows, with its Status words (online, away, blank), without xmgr's own", async () => {
    await tb.xmgrSessionsGone(`admin@${tb.host}`);
    const expected = new Map([...(await shellSessions())].filter(([cell]) => cell.includes(`@${tb.host}/`)));
    const shown = json(await xmgr(["--json", "c2s", "show"])).sessions as { jid: string; resource: string; show?: string }[];
    expect(asShellRows(shown, expected.keys())).toEqual(expected);
    expect(shown.some((row) => row.resource.startsWith("xmgr-"))).toBe(false);

    await tb.xmgrSessionsGone(`admin@${tb.host}`); // the run above, which this one would list
    const table = await xmgr(["c2s", "show"]);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toContain("available");
    expect(table.stderr).toBe(`OK: 3 sessions of 3 accounts\n`);
  });

  test("c2s show --columns: session id, role, IP version, TLS, SM, CSI as prosodyctl shell c2s:show shows them (mod_admin_sessions)", async () => {
    await tb.xmgrSessionsGone(`admin@${tb.host}`);
    const rows = (await shell("c2s", "show")).split("\n").map((line) => line.split("|").map((cell) => cell.trim()));
    const header = rows.find((cells) => cells.includes("JID") && cells.includes("Session ID"))!;
    const at = (title: string) => header.indexOf(title);
    const expected = rows
      .filter((cells) => (cells[at("JID")] ?? "").includes(`@${tb.host}/`))
      .map((cells) => ({ jid: cells[at("JID")], id: cells[at("Session ID")], role: cells[at("Role")], ipv: cells[at("IPv")], tls: cells[at("Security")], sm: cells[at("SM")], csi: cells[at("CSI State")] }));
    expect(expected).toHaveLength(3);
    const started = Date.now();
    const shown = json(await xmgr(["--json", "c2s", "show", "--columns", "id,account,resource,role,ipv,show,tls,sm,csi,created"])).sessions as Record<string, string>[];
    const asShell = shown.map((row) => {
      const full = `${row.jid}/${row.resource}`;
      return { jid: expected.find((entry) => cellOf(entry.jid, full))?.jid ?? full, id: row.id, role: (row.role ?? "").replace(/^prosody:/, ""), ipv: row.ipv, tls: row.tls, sm: row.sm, csi: row.csi ?? "" };
    });
    expect(asShell.sort((a, b) => a.jid.localeCompare(b.jid))).toEqual(expected.sort((a, b) => a.jid.localeCompare(b.jid)));
    for (const row of shown) expect(new Date(row.created).getTime()).toBeLessThanOrEqual(started);
    const table = await xmgr(["c2s", "show", "--columns", "account,role,tls"]);
    expect(table.stdout).toContain("Role");
    expect(table.stdout).toContain("TLSv1.3");
    expectCleanFailure(await xmgr(["c2s", "show", "--columns", "account,colour"]), 2);
  });

  test("c2s show --include-self: xmgr's own session too, blank (it sends no presence)", async () => {
    await tb.xmgrSessionsGone(`admin@${tb.host}`);
    const shown = json(await xmgr(["--json", "c2s", "show", "--include-self"])).sessions as { jid: string; resource: string; show?: string }[];
    const own = shown.filter((row) => row.jid === `admin@${tb.host}`);
    expect(own).toHaveLength(1);
    expect(own[0].show).toBeUndefined();
    expect(shown).toHaveLength(4);
  });

  test("c2s show FULLJID: that one session, as prosodyctl shell c2s:show(fulljid)", async () => {
    const said = await shell("c2s", "show", alice.jid);
    expect(said).toMatch(/OK: 1 out of \d+ c2s sessions shown/);
    expect(said).toContain("online");
    const shown = json(await xmgr(["--json", "c2s", "show", alice.jid]));
    expect(shown.sessions).toEqual([{ jid: `alice@${tb.host}`, resource: alice.resource, show: "online", priority: 0, ip: "127.0.0.1" }]);
    const absent = await xmgr(["c2s", "show", `alice@${tb.host}/nothere`]);
    expect(absent.code).toBe(0);
    expect(absent.stderr).toBe(`OK: alice@${tb.host}/nothere is not connected\n`);
  });

  test("c2s count: prosodyctl shell c2s:count()'s total over every VirtualHost, without xmgr's own session", async () => {
    await tb.xmgrSessionsGone(`admin@${tb.host}`);
    const total = Number(/Total: (\d+) clients/.exec(await shell("c2s:count()"))![1]);
    expect(total).toBe(4);
    expect(json(await xmgr(["--json", "c2s", "count"]))).toEqual({ hosts: [OTHER_HOST, tb.host].sort(), accounts: 4, sessions: total });
    expect(json(await xmgr(["--json", "c2s", "count", OTHER_HOST]))).toEqual({ hosts: [OTHER_HOST], accounts: 1, sessions: 1 });
  });
});

describe("user list PATTERN: Lua patterns, as prosodyctl shell user:list", () => {
  test.each(["^a", "o.$", "[bc]", "%a+y", "al*", "l-o", "^%l+$", "e$"])("%s: the same accounts as prosodyctl", async (pattern) => {
    const said = await shell("user", "list", tb.host, pattern);
    const expected = said.split("\n").map((line) => line.trim()).filter((line) => line.endsWith(`@${tb.host}`));
    const [, matches, total] = /Showing (\d+) of (\d+) users/.exec(said)!;
    expect(expected).toHaveLength(Number(matches));
    const listing = json(await xmgr(["--json", "user", "list", tb.host, pattern]));
    expect(listing.total).toBe(Number(total));
    expect(listing.accounts.map((account: { jid: string }) => account.jid).sort()).toEqual(expected.sort());
  });

  test("a pattern no name matches (a glob such as '*bot'): exit 0, no JID, and a warning explaining Lua patterns", async () => {
    expect(await shell("user", "list", tb.host, "*bot")).toMatch(/Showing 0 of \d+ users/);
    const result = await xmgr(["user", "list", tb.host, "*bot"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^OK: Showing 0 of \d+ accounts/m);
    expect(result.stderr).toContain("Lua pattern");
  });

  test("a malformed pattern: a usage error in Lua's words (exit 2), nothing listed", async () => {
    const result = await xmgr(["user", "list", tb.host, "[ab"]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain("malformed pattern (missing ']')");
  });

  test("an unknown host: 'No such host', as prosodyctl says; exit 4", async () => {
    const said = await tb.prosodyctl(["shell", "user", "list", "nowhere.test"]);
    expect(said.stdout + said.stderr).toContain("No such host");
    const result = await xmgr(["user", "list", "nowhere.test"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("No such host");
  });
});

/** What `prosodyctl shell user:role(jid)` says: the primary role. */
async function shellRole(jid: string): Promise<string> {
  return /^OK: (\S+)/m.exec(await shell(`user:role("${jid}")`))![1];
}

describe("account commands for an account at a host the server does not serve", () => {
  test.each([
    ["user create", ["user", "create", "carl@nowhere.test", "--random-password"]],
    ["user password", ["user", "password", "carl@nowhere.test", "--random-password"]],
    ["user info", ["user", "info", "carl@nowhere.test"]],
  ])("%s: 'No such host' (exit 4), as prosodyctl says, pointing at host list", async (_name, args) => {
    const said = await tb.prosodyctl(["shell", "user", "create", "carl@nowhere.test", "some-pw"]);
    expect(said.stdout + said.stderr).toContain("No such host");
    const result = await xmgr(args);
    expectCleanFailure(result, 4);
    expect(result.stderr).toMatch(/^! No such host: nowhere\.test is not an active host of this server/);
    expect(result.stderr).toContain("xmgr host list");
  });
});

describe("roles (xmgr's mod_admin_roles)", () => {
  test("user create gives the role prosodyctl shell user:create gives (prosody:member)", async () => {
    expect(await shell(`user:create("viashell@${tb.host}", "${PASSWORD}")`)).toContain("prosody:member");
    const created = await user.run([...loginArgs(tb, "admin"), "--json", "user", "create", `viaxmgr@${tb.host}`, "--random-password"], { XMGR_PASSWORD: PASSWORD });
    expect(json(created)).toMatchObject({ jid: `viaxmgr@${tb.host}`, created: true, role: "prosody:member" });
    expect(await shellRole(`viaxmgr@${tb.host}`)).toBe(await shellRole(`viashell@${tb.host}`));
  });

  test("user create --role: the server holds that role", async () => {
    const created = await xmgr(["user", "create", `moderator@${tb.host}`, "--random-password", "--role", "prosody:admin"]);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain(`OK: Created moderator@${tb.host} with role prosody:admin`);
    expect(await shellRole(`moderator@${tb.host}`)).toBe("prosody:admin");
  });

  test("user role JID: what prosodyctl shell user:role says, for a plain account, a host admin and a config admin", async () => {
    for (const name of ["bob", "hostadmin", "admin"]) {
      const shown = await xmgr(["user", "role", `${name}@${tb.host}`]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toBe(`${await shellRole(`${name}@${tb.host}`)}\n`);
    }
  });

  test("user role JID ROLE sets it, as prosodyctl shell user:set_role; prosodyctl then shows it", async () => {
    const set = await xmgr(["user", "role", `dave@${tb.host}`, "prosody:admin"]);
    expect(set.code).toBe(0);
    expect(set.stderr).toBe(`OK: Role of dave@${tb.host} set to prosody:admin\n`);
    expect(await shellRole(`dave@${tb.host}`)).toBe("prosody:admin");
    expect(json(await xmgr(["--json", "user", "role", `dave@${tb.host}`, "prosody:registered"]))).toEqual({ jid: `dave@${tb.host}`, role: "prosody:registered" });
    expect(await shellRole(`dave@${tb.host}`)).toBe("prosody:registered");
  });

  test("an unknown role is a usage error (exit 2) and nothing changes", async () => {
    const result = await xmgr(["user", "role", `emmy@${tb.host}`, "prosody:king"]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain("Unknown role: prosody:king");
    expect(await shellRole(`emmy@${tb.host}`)).toBe("prosody:registered");
  });

  test("a host admin cannot give the operator role, nor change an operator's (exit 5); nothing changes", async () => {
    const up = await xmgr(["user", "role", `emmy@${tb.host}`, "prosody:operator"], "hostadmin");
    expectCleanFailure(up, 5);
    expect(await shellRole(`emmy@${tb.host}`)).toBe("prosody:registered");
    const down = await xmgr(["user", "role", `admin@${tb.host}`, "prosody:registered"], "hostadmin");
    expectCleanFailure(down, 5);
    expect(await shellRole(`admin@${tb.host}`)).toBe("prosody:operator");
  });

  test("a plain user may not read roles (exit 5)", async () => {
    expectCleanFailure(await xmgr(["user", "role", `emmy@${tb.host}`], "bob"), 5);
  });

  test("an unknown account: exit 4, as prosodyctl's 'No such user'", async () => {
    const said = await tb.prosodyctl(["shell", `user:role("nobody@${tb.host}")`]);
    expect(said.stdout + said.stderr).toContain("No such user");
    const result = await xmgr(["user", "role", `nobody@${tb.host}`]);
    expectCleanFailure(result, 4);
  });

  test("without the module: user create warns that the account kept prosody:registered; user role says what to install (exit 5)", async () => {
    expect(await shell("module", "unload", "admin_roles", tb.host)).toContain("OK");
    const created = await xmgr(["user", "create", `plain@${tb.host}`, "--random-password"]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^[A-Za-z0-9_-]{24}\n$/);
    expect(created.stderr).toContain("mod_admin_roles");
    expect(created.stderr).toContain(`OK: Created plain@${tb.host}`);
    expect(await shellRole(`plain@${tb.host}`)).toBe("prosody:registered");
    const shown = await xmgr(["user", "role", `plain@${tb.host}`]);
    expectCleanFailure(shown, 5);
    expect(shown.stderr).toContain("admin_roles");
    const withRole = await xmgr(["user", "create", `plain2@${tb.host}`, "--random-password", "--role", "prosody:admin"]);
    expect(withRole.code).toBe(5);
    expect(withRole.stdout).toMatch(/^[A-Za-z0-9_-]{24}\n$/);
    expect(withRole.stderr).toContain(`Created plain2@${tb.host}, but its role was not set`);
  });

  test("without the module, a shell batch of user create warns once, and every account is created", async () => {
    const names = ["batch1", "batch2", "batch3"];
    const result = await xmgr(["shell", "-c", names.map((name) => `user create ${name}@${tb.host} --random-password`).join("; ")]);
    expect(result.code).toBe(0);
    expect(result.stderr.match(/mod_admin_roles is not loaded/g)).toHaveLength(1);
    expect(result.stderr.match(/^OK: Created batch\d@/gm)).toHaveLength(3);
    const listed = await shell("user", "list", tb.host, "^batch");
    for (const name of names) expect(listed).toContain(`${name}@${tb.host}`);
  });
});

describe("hosts and modules (xmgr's mod_admin_hosts)", () => {
  /** prosodyctl shell module:list(host)'s names for one host ("*": the Global section). */
  async function shellModules(host: string): Promise<string[]> {
    const said = await shell(`module:list("${host}")`);
    return [...said.matchAll(/^ {4}(\S+)/gm)].map((match) => match[1]).sort();
  }

  test("host list: every VirtualHost and component prosodyctl shell host:list() shows, with its type", async () => {
    const said = (await shell("host", "list")).split("\n").map((line) => /^(\S+\.\S+)(?: \((.+)\))?$/.exec(line.trim())).filter((match) => match !== null);
    const expected = said.map((match) => ({ jid: match![1], kind: match![2] ?? "VirtualHost" })).sort((a, b) => a.jid.localeCompare(b.jid));
    expect(expected.map((entry) => entry.jid)).toContain(OTHER_HOST);
    const listed = json(await xmgr(["--json", "host", "list"])).hosts as { jid: string; type: string }[];
    const kind = (type: string) => (type === "local" ? "VirtualHost" : type === "component" ? "component" : `${type} component`);
    expect(listed.map((entry) => ({ jid: entry.jid, kind: kind(entry.type) })).sort((a, b) => a.jid.localeCompare(b.jid))).toEqual(expected);
    const table = await xmgr(["host", "list"]);
    expect(table.stderr).toBe(`OK: ${expected.length} hosts on the server\n`);
  });

  test("module list COMPONENT and module list '*': the modules prosodyctl shell module:list shows", async () => {
    for (const host of [tb.mucHost, "*"]) {
      const listed = json(await xmgr(["--json", "module", "list", host]));
      expect(listed.host).toBe(host);
      expect(listed.modules).toEqual(await shellModules(host));
      expect(listed.modules.length).toBeGreaterThan(0);
    }
  });

  test("module load / reload / unload on a component: prosodyctl then shows it loaded / reloaded / gone", async () => {
    expect(await shellModules(tb.mucHost)).not.toContain("uptime");
    const load = await xmgr(["module", "load", "uptime", tb.mucHost]);
    expect(load.code).toBe(0);
    expect(load.stderr).toContain(`OK: uptime loaded on ${tb.mucHost}`);
    expect(await shellModules(tb.mucHost)).toContain("uptime");
    const reloadsBefore = tb.log().split("\n").filter((line) => line.includes("mod_uptime") && /reload/i.test(line)).length;
    const reload = await xmgr(["module", "reload", "uptime", tb.mucHost]);
    expect(reload.code).toBe(0);
    expect(reload.stderr).toContain(`OK: uptime reloaded on ${tb.mucHost}`);
    expect(tb.log().split("\n").filter((line) => line.includes("mod_uptime") && /reload/i.test(line)).length).toBeGreaterThan(reloadsBefore);
    expect(await shellModules(tb.mucHost)).toContain("uptime");
    const unload = await xmgr(["module", "unload", "uptime", tb.mucHost]);
    expect(unload.code).toBe(0);
    expect(await shellModules(tb.mucHost)).not.toContain("uptime");
  });

  test("unloading a module that is not loaded: prosodyctl unloads nothing; xmgr says so, exit 4 (documented), nothing changes", async () => {
    const before = await shellModules(tb.mucHost);
    const said = await tb.prosodyctl(["shell", `module:unload("uptime", "${tb.mucHost}")`]);
    expect(said.stdout + said.stderr).not.toMatch(/Unloaded from/);
    const result = await xmgr(["module", "unload", "uptime", tb.mucHost]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("not loaded");
    expect(await shellModules(tb.mucHost)).toEqual(before);
  });

  test("a host admin (not operator) may not act on other hosts through it (exit 5)", async () => {
    expectCleanFailure(await xmgr(["module", "list", tb.mucHost], "hostadmin"), 5);
    expectCleanFailure(await xmgr(["module", "list", "*"], "hostadmin"), 5);
  });

  test("an unknown host: 'No such host' (exit 4)", async () => {
    const result = await xmgr(["module", "list", "nowhere.test"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("No such host");
  });
});

describe("muc occupants / muc affiliations FILTER, as prosodyctl shell muc:occupants / muc:affiliations", () => {
  let room: string;

  /** The rows of a prosodyctl shell muc table: cells split at "|", the header row left out. */
  async function shellRows(call: string): Promise<string[][]> {
    const rows = (await shell(call)).split("\n").filter((line) => line.includes("|")).map((line) => line.split("|").map((cell) => cell.trim()));
    return rows.slice(1);
  }

  beforeAll(async () => {
    // rooms.example.test sets component_admins_as_room_owners: the admin sees its lists without joining.
    room = `club@${tb.mucOwnersHost}`;
    await alice.joinRoom(room, "Alice");
    await bob.joinRoom(room, "Bobby");
    for (const [jid, affiliation] of [[`bob@${tb.host}`, "member"], [`dave@${tb.host}`, "admin"], [`olga@${OTHER_HOST}`, "member"]]) {
      expect((await xmgr(["muc", "affiliation", room, jid, affiliation])).code).toBe(0);
    }
  });

  test.each([undefined, "moderator", "participant", "Bob", "x"])("muc occupants ROOM %s: the occupants prosodyctl lists", async (filter) => {
    const expected = (await shellRows(`muc:occupants("${room}"${filter === undefined ? "" : `, "${filter}"`})`)).map(([role, jid, nick]) => ({ role, jid, nick }));
    const listed = json(await xmgr(["--json", "muc", "occupants", room, ...(filter === undefined ? [] : [filter])]));
    expect(listed.total).toBe(2);
    expect(listed.occupants.map((occupant: { role: string; jid: string; nick: string }) => ({ role: occupant.role, jid: occupant.jid, nick: occupant.nick }))).toEqual(expected);
  });

  test("muc occupants on a component without component_admins_as_room_owners: refused with the hint (exit 5)", async () => {
    await alice.joinRoom(`lounge@${tb.mucHost}`, "Alice");
    const result = await xmgr(["muc", "occupants", `lounge@${tb.mucHost}`]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain("component_admins_as_room_owners");
  });

  test.each([undefined, "member", "admin", "dave", "@example.test", "nobody"])("muc affiliations ROOM %s: the affiliations prosodyctl lists", async (filter) => {
    const expected = (await shellRows(`muc:affiliations("${room}"${filter === undefined ? "" : `, "${filter}"`})`)).map(([affiliation, jid]) => `${affiliation} ${jid}`).sort();
    const listed = json(await xmgr(["--json", "muc", "affiliations", room, ...(filter === undefined ? [] : [filter])]));
    expect(listed.affiliations.map((item: { affiliation: string; jid: string }) => `${item.affiliation} ${item.jid}`).sort()).toEqual(expected);
  });
});

describe("no-op cases: where xmgr differs on purpose (man page, DIFFERENCES FROM PROSODYCTL SHELL)", () => {
  test("closing a client that is not connected: prosodyctl closes 0 (OK); xmgr says not connected (exit 4); no session closes", async () => {
    const before = await shellSessions();
    expect(await shell(`c2s:close("emmy@${tb.host}")`)).toContain("Total: 0 sessions closed");
    const result = await xmgr(["c2s", "close", `emmy@${tb.host}`]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("not connected");
    await tb.xmgrSessionsGone(`admin@${tb.host}`);
    expect(await shellSessions()).toEqual(before);
  });

  test("the roster of an unknown account: exit 4 with the server's 'User does not exist'; no account appears", async () => {
    const result = await xmgr(["roster", "show", `nobody@${tb.host}`]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("User does not exist");
    expect(await shell("user", "list", tb.host)).not.toContain(`nobody@${tb.host}`);
  });

  test("c2s show --columns without mod_admin_sessions: the detail columns say what to install (exit 5); the default columns still work", async () => {
    expect(await shell("module", "unload", "admin_sessions", tb.host)).toContain("OK");
    const result = await xmgr(["c2s", "show", "--columns", "account,role"]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain("mod_admin_sessions");
    expect((await xmgr(["c2s", "show"])).code).toBe(0);
  });

  test("muc create without --persistent: a usage error (exit 2) before anything is sent; no room appears", async () => {
    const result = await xmgr(["muc", "create", `temp@${tb.mucHost}`]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain("--persistent");
    expect(await shell(`muc:list("${tb.mucHost}")`)).not.toContain(`temp@${tb.mucHost}`);
  });
});
