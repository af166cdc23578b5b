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
const NAMES = ["admin", "alice", "bob", "carol", "dave", "emmy", "sally", "lol"];

let tb: Testbed;
let user: XmgrUser;
let alice: Peer;
let bob: Peer;
let carol: Peer;

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
function asShellRows(rows: { account: string; resource: string; show?: string }[], cells: Iterable<string>): Map<string, string> {
  const known = [...cells];
  return new Map(rows.map((row) => {
    const full = `${row.account}/${row.resource}`;
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
  tb = await startTestbed({ hostModules: ["admin_list_users"] });
  await Promise.all(NAMES.map((name) => tb.register(name, PASSWORD)));
  user = await xmgrUser();
  // alice: available (prosodyctl "online"); bob: no presence (blank); carol: away.
  [alice, bob, carol] = await Promise.all([
    loginSasl2(tb, { username: "alice", password: PASSWORD, resource: "phone", presence: true }),
    loginLegacy(tb, { username: "bob", password: PASSWORD }),
    loginLegacy(tb, { username: "carol", password: PASSWORD }),
  ]);
  await carol.send(xml("presence", {}, xml("show", {}, "away")));
  await Promise.all([shellShows(alice.jid, "online"), shellShows(bob.jid, ""), shellShows(carol.jid, "away")]);
});

afterAll(async () => {
  await stopAll(alice, bob, carol);
  await user?.cleanup();
  await tb?.stop();
});

describe("c2s show / c2s count", () => {
  test("c2s show: the sessions prosodyctl shows, with its Status words (online, away, blank), without xmgr's own", async () => {
    await tb.xmgrSessionsGone(`admin@${tb.host}`);
    const expected = await shellSessions();
    const shown = json(await xmgr(["--json", "c2s", "show"])).sessions as { account: string; resource: string; show?: string }[];
    expect(asShellRows(shown, expected.keys())).toEqual(expected);
    expect(shown.some((row) => row.resource.startsWith("xmgr-"))).toBe(false);

    const table = await xmgr(["c2s", "show"]);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toContain("available");
    expect(table.stderr).toBe(`OK: 3 sessions of 3 accounts\n`);
  });

  test("c2s show --include-self: xmgr's own session too, blank (it sends no presence)", async () => {
    const shown = json(await xmgr(["--json", "c2s", "show", "--include-self"])).sessions as { account: string; resource: string; show?: string }[];
    const own = shown.filter((row) => row.account === `admin@${tb.host}`);
    expect(own).toHaveLength(1);
    expect(own[0].show).toBeUndefined();
    expect(shown).toHaveLength(4);
  });

  test("c2s show FULLJID: that one session, as prosodyctl shell c2s:show(fulljid)", async () => {
    const said = await shell("c2s", "show", alice.jid);
    expect(said).toContain("OK: 1 out of 3 c2s sessions shown");
    expect(said).toContain("online");
    const shown = json(await xmgr(["--json", "c2s", "show", alice.jid]));
    expect(shown.sessions).toEqual([{ account: `alice@${tb.host}`, resource: alice.resource, show: "online", priority: 0, ip: "127.0.0.1" }]);
    const absent = await xmgr(["c2s", "show", `alice@${tb.host}/nothere`]);
    expect(absent.code).toBe(0);
    expect(absent.stderr).toBe(`OK: alice@${tb.host}/nothere is not connected\n`);
  });

  test("c2s count: prosodyctl shell c2s:count()'s total, without xmgr's own session", async () => {
    await tb.xmgrSessionsGone(`admin@${tb.host}`);
    const total = Number(/Total: (\d+) clients/.exec(await shell("c2s:count()"))![1]);
    expect(json(await xmgr(["--json", "c2s", "count"]))).toMatchObject({ accounts: 3, sessions: total });
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
