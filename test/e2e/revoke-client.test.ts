/**
 * `xmgr user revoke_client` end to end: the built bin/xmgr against a real Prosody 13 test bed,
 * with real clients (SASL2 password logins, an OAuth2 grant, xmgr's own session) to revoke.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import net from "node:net";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { loginSasl2, stopAll, type Peer } from "../support/peers.js";
import { loginArgs, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";

interface ListedClient {
  id: string;
  type?: string;
  connected: boolean;
  auth: string[];
  userAgent?: { software?: string; version?: string; device?: string };
}

const alice = { username: "alice", password: "alice-revoke-pw" };
const carol = { username: "carol", password: "carol-revoke-pw" };
const DINO = { id: "22222222-3333-4444-5555-dino00000000", software: "Dino", device: "laptop" };

let tb: Testbed;
let user: XmgrUser;
let aliceJid: string;
const peers: Peer[] = [];

/** xmgr as alice (password from the environment), with extra arguments after the login options. */
const asAlice = (args: string[], who: XmgrUser = user): Promise<XmgrResult> =>
  who.run([...loginArgs(tb, "alice"), ...args], { XMGR_PASSWORD: alice.password });

async function listAlice(who: XmgrUser = user): Promise<ListedClient[]> {
  const result = await asAlice(["--json", "user", "clients", aliceJid], who);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { clients: ListedClient[] }).clients;
}

beforeAll(async () => {
  tb = await startTestbed();
  aliceJid = `alice@${tb.host}`;
  user = await xmgrUser();
  await Promise.all([tb.register(alice.username, alice.password), tb.register(carol.username, carol.password)]);
});

afterAll(async () => {
  await stopAll(...peers);
  await user?.cleanup();
  await tb?.stop();
});

describe("xmgr user revoke_client", () => {
  test("revoking a grant prints the OK line, exits 0, and the grant is gone from the list", async () => {
    await tb.createGrant(alice.username, alice.password);
    const grant = (await listAlice()).find((client) => client.id.startsWith("grant/"));
    expect(grant).toMatchObject({ type: "access", auth: ["grant"] });

    const result = await asAlice(["user", "revoke_client", aliceJid, grant!.id]);
    expect(result).toEqual({ code: 0, stdout: "", stderr: "OK: Client access revoked\n" });

    expect((await listAlice()).map((client) => client.id)).not.toContain(grant!.id);
  });

  test("revoking a password client explains that it keeps access until the password changes (exit 5)", async () => {
    const dino = await loginSasl2(tb, { ...alice, userAgent: DINO });
    peers.push(dino);
    const id = `client/${DINO.id}`;
    expect((await listAlice()).find((client) => client.id === id)).toMatchObject({ auth: ["password"] });

    const result = await asAlice(["user", "revoke_client", aliceJid, id]);
    expect(result.code).toBe(5);
    expect(result.stdout).toBe("");
    expectCleanFailure(result);
    expect(result.stderr).toContain(id);
    expect(result.stderr).toMatch(/password/i);
    expect(result.stderr).toMatch(/until/);
    // The server keeps listing it: the password still lets it in.
    expect((await listAlice()).map((client) => client.id)).toContain(id);
  });

  test("an unknown id is not found (exit 4) and points to `xmgr user clients`", async () => {
    const result = await asAlice(["user", "revoke_client", aliceJid, "client/doesnotexist"]);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe("");
    expectCleanFailure(result);
    expect(result.stderr).toContain("client/doesnotexist");
    expect(result.stderr).toContain(`xmgr user clients ${aliceJid}`);
  });

  test("a malformed selector is a usage error (exit 2) and nothing is sent to the server", async () => {
    // A server that only counts connections: xmgr must not even connect.
    let connections = 0;
    const server = net.createServer((socket) => { connections++; socket.destroy(); });
    const port = await listenOnLoopback(server);
    try {
      const result = await user.run(
        ["--jid", aliceJid, "--server", `127.0.0.1:${port}`, "--ca", tb.caFile, "-v", "user", "revoke_client", aliceJid, "bogus"],
        { XMGR_PASSWORD: alice.password },
      );
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expectCleanFailure(result);
      expect(result.stderr).toContain("bogus");
      expect(result.stderr).toMatch(/client\/ID/);
      expect(result.stderr).not.toMatch(/SEND|RECV/);
      expect(connections).toBe(0);
    } finally {
      await closeServer(server);
    }
  });

  test("--json prints what was revoked", async () => {
    await tb.createGrant(alice.username, alice.password);
    const grant = (await listAlice()).find((client) => client.id.startsWith("grant/"))!;
    const result = await asAlice(["--json", "user", "revoke_client", aliceJid, grant.id]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toMatchObject({ jid: aliceJid, selector: grant.id, revoked: true });
    expect((await listAlice()).map((client) => client.id)).not.toContain(grant.id);
  });

  test("revoking xmgr's own client by id does not hang and reports success", async () => {
    const own = await xmgrUser();
    try {
      // The run that lists is the connected xmgr client: that is this profile's own entry.
      const mine = (await listAlice(own)).filter((client) => client.userAgent?.software === "xmgr" && client.connected);
      expect(mine).toHaveLength(1);
      const ownId = mine[0].id;

      const started = Date.now();
      const result = await asAlice(["--timeout", "120", "user", "revoke_client", aliceJid, ownId], own);
      const elapsed = Date.now() - started;
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^OK: Client access revoked/);
      expect(elapsed).toBeLessThan(60_000); // far below --timeout, also on a busy machine: the closed stream ended the wait

      // The next run of the same profile still works.
      expect((await listAlice(own)).length).toBeGreaterThan(0);
    } finally {
      await own.cleanup();
    }
  });

  test("revoking software/xmgr (its own session) does not hang and reports success, also with --json", async () => {
    // carol's only software/xmgr client is this profile's, so the selector names the session it is sent on.
    const own = await xmgrUser();
    const carolJid = `carol@${tb.host}`;
    const asCarol = (args: string[]) => own.run([...loginArgs(tb, "carol"), ...args], { XMGR_PASSWORD: carol.password });
    try {
      const before = await asCarol(["--json", "user", "clients", carolJid]);
      expect(before.code).toBe(0);
      const xmgrEntries = (JSON.parse(before.stdout) as { clients: ListedClient[] }).clients.filter((client) => client.userAgent?.software === "xmgr");
      expect(xmgrEntries).toHaveLength(1);

      const started = Date.now();
      const result = await asCarol(["--timeout", "120", "--json", "user", "revoke_client", carolJid, "software/xmgr"]);
      expect(Date.now() - started).toBeLessThan(60_000); // far below --timeout, also on a busy machine
      expect(result.code).toBe(0);
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout)).toMatchObject({ jid: carolJid, selector: "software/xmgr", revoked: true });
    } finally {
      await own.cleanup();
    }
  });
});
