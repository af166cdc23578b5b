/**
 * An admin manages another account's clients with the built bin/xmgr: against a real Prosody 13
 * test bed WITH prosody/mod_admin_manage_clients.lua (issue 3) and one WITHOUT it (stock
 * behaviour: service-unavailable, which xmgr explains).
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginLegacy, loginSasl2, stopAll, type Peer } from "../support/peers.js";
import { loginArgs, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";

interface ListedClient {
  id: string;
  type?: string;
  connected: boolean;
  firstSeen?: string;
  lastSeen?: string;
  auth: string[];
  userAgent?: { software?: string; version?: string; device?: string };
}

const PW = { admin: "admin-pw-1", alice: "alice-pw-1", bob: "bob-pw-1" } as const;
const GAJIM = { id: "11111111-2222-3333-4444-alice0000000", software: "Gajim", device: "spike box" };

/** Runs bin/xmgr logged in as `who` (each account has its own HOME/XDG state). */
function runner(tb: Testbed, users: Record<string, XmgrUser>) {
  return (who: keyof typeof PW, args: string[]) => users[who].run([...loginArgs(tb, who), ...args], { XMGR_PASSWORD: PW[who] });
}

async function makeUsers(): Promise<Record<keyof typeof PW, XmgrUser>> {
  const [admin, alice, bob] = await Promise.all([xmgrUser(), xmgrUser(), xmgrUser()]);
  return { admin, alice, bob };
}

const parseList = (result: XmgrResult) => {
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { jid: string; clients: ListedClient[] };
};

describe("with mod_admin_manage_clients", () => {
  let tb: Testbed;
  let users: Record<keyof typeof PW, XmgrUser>;
  let as: ReturnType<typeof runner>;
  let aliceJid: string;
  const peers: Peer[] = [];

  beforeAll(async () => {
    tb = await startTestbed();
    aliceJid = `alice@${tb.host}`;
    users = await makeUsers();
    as = runner(tb, users);
    await Promise.all((Object.keys(PW) as (keyof typeof PW)[]).map((name) => tb.register(name, PW[name])));
    peers.push(
      await loginSasl2(tb, { username: "alice", password: PW.alice, userAgent: GAJIM }),
      await loginLegacy(tb, { username: "alice", password: PW.alice, resource: "legacy-laptop" }),
    );
    await tb.createGrant("alice", PW.alice);
    await tb.createGrant("alice", PW.alice);
  });

  afterAll(async () => {
    await stopAll(...peers);
    await Promise.all(Object.values(users ?? {}).map((user) => user.cleanup()));
    await tb?.stop();
  });

  test("the admin lists alice's clients: --json has the same content as alice's own listing", async () => {
    const own = parseList(await as("alice", ["--json", "user", "clients", aliceJid]));
    const byAdmin = parseList(await as("admin", ["--json", "user", "clients", aliceJid]));
    expect(byAdmin.jid).toBe(aliceJid);

    // alice's own xmgr run is itself one of her clients: connected while she listed, not while the admin did.
    const ownXmgr = own.clients.find((client) => client.userAgent?.software === "xmgr" && client.connected)!;
    expect(ownXmgr).toBeDefined();
    const adminView = byAdmin.clients.find((client) => client.id === ownXmgr.id)!;
    expect(adminView).toMatchObject({ connected: false, userAgent: ownXmgr.userAgent, auth: ownXmgr.auth });

    const others = (clients: ListedClient[]) => clients.filter((client) => client.id !== ownXmgr.id);
    expect(others(byAdmin.clients)).toEqual(others(own.clients));
    expect(others(own.clients).map((client) => client.type).sort()).toEqual(["access", "access", "session", "session"]);
    expect(byAdmin.clients.find((client) => client.id === `client/${GAJIM.id}`)).toMatchObject({
      connected: true, auth: ["password"], userAgent: { software: GAJIM.software, device: GAJIM.device },
    });
    // And nothing about the admin's own clients leaks into it.
    expect(byAdmin.clients).toHaveLength(own.clients.length);
  });

  test("the admin lists alice's clients as a table, with the OK count", async () => {
    const listing = parseList(await as("admin", ["--json", "user", "clients", aliceJid]));
    const table = await as("admin", ["user", "clients", aliceJid]);
    expect(table.code).toBe(0);
    for (const client of listing.clients) expect(table.stdout).toContain(client.id);
    expect(table.stdout).toContain("Gajim");
    expect(table.stderr.trim()).toBe(`OK: ${listing.clients.length} clients`);
  });

  test("the admin revokes one of alice's grants; alice's own list no longer has it", async () => {
    const before = parseList(await as("alice", ["--json", "user", "clients", aliceJid])).clients;
    const grants = before.filter((client) => client.id.startsWith("grant/"));
    expect(grants).toHaveLength(2);

    const result = await as("admin", ["user", "revoke_client", aliceJid, grants[0].id]);
    expect(result).toEqual({ code: 0, stdout: "", stderr: "OK: Client access revoked\n" });

    const after = parseList(await as("alice", ["--json", "user", "clients", aliceJid])).clients.map((client) => client.id);
    expect(after).not.toContain(grants[0].id);
    expect(after).toContain(grants[1].id);
  });

  test("the admin revoking alice's grant/ID costs the server one listing of her clients, after the revoke (the check)", async () => {
    await tb.createGrant("alice", PW.alice); // the later tests need one left
    const grant = parseList(await as("alice", ["--json", "user", "clients", aliceJid])).clients.find((client) => client.id.startsWith("grant/"))!;
    const result = await as("admin", ["-v", "user", "revoke_client", aliceJid, grant.id]);
    expect(result.code).toBe(0);
    const sent = result.stderr.split("\n").filter((line) => line.startsWith("SEND ") && /<(list|revoke) /.test(line));
    expect(sent.map((line) => /<(list|revoke) /.exec(line)![1])).toEqual(["revoke", "list"]);
    expect(parseList(await as("alice", ["--json", "user", "clients", aliceJid])).clients.map((client) => client.id)).not.toContain(grant.id);
  });

  test("the admin revoking alice's password client gets the password explanation (exit 5)", async () => {
    const id = `client/${GAJIM.id}`;
    const result = await as("admin", ["user", "revoke_client", aliceJid, id]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain(id);
    expect(result.stderr).toMatch(/password/i);
    expect(result.stderr).toContain(aliceJid);
  });

  test("bob, who is not an admin, is refused for alice's list and for a revoke (exit 5)", async () => {
    const list = await as("bob", ["user", "clients", aliceJid]);
    expectCleanFailure(list, 5);
    expect(list.stderr).toContain(aliceJid);
    expect(list.stderr).not.toContain(GAJIM.id);

    const grant = parseList(await as("alice", ["--json", "user", "clients", aliceJid])).clients.find((client) => client.id.startsWith("grant/"))!;
    const revoke = await as("bob", ["user", "revoke_client", aliceJid, grant.id]);
    expectCleanFailure(revoke, 5);
    // Still there.
    expect(parseList(await as("alice", ["--json", "user", "clients", aliceJid])).clients.map((client) => client.id)).toContain(grant.id);
  });

  test("the admin asking about an account that does not exist: not found (exit 4)", async () => {
    const nobody = `nobody@${tb.host}`;
    const list = await as("admin", ["user", "clients", nobody]);
    expectCleanFailure(list, 4);
    expect(list.stderr).toContain(nobody);
    const revoke = await as("admin", ["user", "revoke_client", nobody, "grant/whatever"]);
    expectCleanFailure(revoke, 4);
    expect(revoke.stderr).toMatch(/no account/i); // the account is missing, not just the client
    expect(revoke.stderr).toContain(nobody);
  });

  test("alice asking about herself still works", async () => {
    const result = await as("alice", ["user", "clients", aliceJid]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`client/${GAJIM.id}`);
    expect(result.stderr).toMatch(/^OK: \d+ clients\n$/);
  });
});

describe("without mod_admin_manage_clients (stock server)", () => {
  let tb: Testbed;
  let users: Record<keyof typeof PW, XmgrUser>;
  let as: ReturnType<typeof runner>;

  beforeAll(async () => {
    tb = await startTestbed({ omitHostModules: ["admin_manage_clients"] });
    users = await makeUsers();
    as = runner(tb, users);
    await Promise.all([tb.register("admin", PW.admin), tb.register("alice", PW.alice)]);
  });

  afterAll(async () => {
    await Promise.all(Object.values(users ?? {}).map((user) => user.cleanup()));
    await tb?.stop();
  });

  test("the admin asking about alice gets the explained refusal naming the module and the README section (exit 5)", async () => {
    const aliceJid = `alice@${tb.host}`;
    const result = await as("admin", ["user", "clients", aliceJid]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain(aliceJid);
    expect(result.stderr).toContain("mod_admin_manage_clients");
    expect(result.stderr).toContain("Server-side setup");

    // alice herself is still served by the stock module.
    const own = await as("alice", ["user", "clients", aliceJid]);
    expect(own.code).toBe(0);
  });
});
