/**
 * Revocation that really revokes (issue 11), against the real test bed whose stand-in
 * mod_client_management behaves like the stock module: revoking a connected client only closes
 * its session (undefined-condition for the account itself, internal-server-error through
 * mod_admin_manage_clients) and its FAST token keeps working; the same revoke once the client is
 * gone takes the token. `xmgr logout` and `xmgr user revoke_client` must finish the job and say
 * success only when the token no longer logs in and the list shows no FAST for that client.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginSasl2, stopAll, xml, type FastToken, type Peer, type XmlElement } from "../support/peers.js";
import { loginArgs, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { hashedTokenMechanism } from "../../src/xmpp/hashed-token.js";
import net from "node:net";

const NS = "xmpp:prosody.im/protocol/manage-clients";
const alice = { username: "alice", password: "alice-revocation-pw" };
const admin = { username: "admin", password: "admin-revocation-pw" };

let tb: Testbed;
let aliceJid: string;
const peers: Peer[] = [];
const users: XmgrUser[] = [];

interface Listed {
  id: string;
  connected: boolean;
  auth: string[];
}

beforeAll(async () => {
  tb = await startTestbed();
  aliceJid = `alice@${tb.host}`;
  await Promise.all([tb.register(alice.username, alice.password), tb.register(admin.username, admin.password)]);
});

afterAll(async () => {
  await stopAll(...peers);
  await Promise.all(users.map((user) => user.cleanup()));
  await tb?.stop();
});

async function freshUser(): Promise<XmgrUser> {
  const user = await xmgrUser();
  users.push(user);
  return user;
}

const as = (user: XmgrUser, who: typeof alice, args: string[]): Promise<XmgrResult> =>
  user.run([...loginArgs(tb, who.username), ...args], { XMGR_PASSWORD: who.password });

/** alice's clients as the server lists them, asked by a separate xmgr profile (a client of its own). */
async function aliceClients(): Promise<Listed[]> {
  const lister = await freshUser();
  const result = await as(lister, alice, ["--json", "user", "clients", aliceJid]);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { clients: Listed[] }).clients;
}

/**
 * Whether `token` still logs in as client `id`: a FAST login by a real client (the password it
 * would fall back to is wrong). Fails the test if the client did not even try the token.
 */
async function tokenLogsIn(id: string, token: FastToken): Promise<boolean> {
  let tried = false;
  const onSend = (el: XmlElement) => {
    if (el.name === "authenticate" && el.attrs.mechanism === token.mechanism && el.getChild("fast", "urn:xmpp:fast:0")) tried = true;
  };
  try {
    // @xmpp/client has only HT-SHA-256-NONE: xmgr's mechanisms do the channel-bound ones.
    const fastMechanism = (getSocket: () => unknown) => hashedTokenMechanism(token.mechanism, getSocket);
    const peer = await loginSasl2(tb, { username: alice.username, password: "not-the-password", userAgent: { id }, fastToken: token, fastMechanism, onSend });
    await peer.stop();
    return true;
  } catch {
    expect(tried).toBe(true);
    return false;
  }
}

/** A real SASL2 client of alice's that holds a FAST token and stays connected. */
async function connectedFastClient(): Promise<{ peer: Peer; id: string; token: FastToken }> {
  const id = randomUUID();
  const peer = await loginSasl2(tb, { ...alice, userAgent: { id, software: "Conversations" }, requestFastToken: true });
  peers.push(peer);
  expect(peer.fastToken).toBeDefined();
  return { peer, id, token: peer.fastToken! };
}

/** xmgr's saved FAST token and client id in `user`'s default profile, after a login. */
function savedLogin(user: XmgrUser, account = aliceJid): { id: string; tokenPath: string; tokenText: string; token: FastToken } {
  const dir = join(user.stateDir, "default");
  const tokenPath = join(dir, `fast-token-${account}.json`);
  const tokenText = readFileSync(tokenPath, "utf8");
  return { id: readFileSync(join(dir, "client-id"), "utf8").trim(), tokenPath, tokenText, token: JSON.parse(tokenText) as FastToken };
}

const revokeIq = (selector: string, to?: string): XmlElement => xml("iq", { type: "set", ...(to && { to }) }, xml("revoke", { xmlns: NS, id: selector }));
const conditionOf = (reply: XmlElement) => reply.getChild("error")?.getChildElements()[0]?.name;

describe("the stand-in behaves like the stock module", () => {
  test("revoking a connected client only disconnects it (undefined-condition; the admin gets internal-server-error) and its token still logs in; once it is gone, the same revoke takes the token", async () => {
    const { peer, id, token } = await connectedFastClient();
    const other = await loginSasl2(tb, { ...alice, userAgent: { id: randomUUID() } });
    peers.push(other);

    const byAccount = await other.iq(revokeIq(`client/${id}`));
    expect(byAccount.attrs.type).toBe("error");
    expect(conditionOf(byAccount)).toBe("undefined-condition");
    await peer.closed; // the server closed it (after its 5 s close timeout: the peer does not answer the close)
    expect(await tokenLogsIn(id, token)).toBe(true);

    const again = await loginSasl2(tb, { username: alice.username, password: "not-the-password", userAgent: { id }, fastToken: token });
    peers.push(again);
    const adminPeer = await loginSasl2(tb, { ...admin, userAgent: { id: randomUUID() } });
    peers.push(adminPeer);
    const byAdmin = await adminPeer.iq(revokeIq(`client/${id}`, aliceJid));
    expect(conditionOf(byAdmin)).toBe("internal-server-error");
    await again.closed;
    expect(await tokenLogsIn(id, token)).toBe(true);

    // Not connected now: the same revoke takes its token (it once used the password, which it keeps).
    const third = await other.iq(revokeIq(`client/${id}`));
    expect(third.getChild("error")?.getChild("password-reset-required", NS)).toBeDefined();
    expect(await tokenLogsIn(id, token)).toBe(false);
  });
});

describe("xmgr logout", () => {
  test("afterwards the old token file, put back, cannot log in (not-authorized), and the list shows no FAST for xmgr's client", async () => {
    const user = await freshUser();
    expect((await as(user, alice, ["user", "clients", aliceJid])).code).toBe(0);
    const saved = savedLogin(user);
    expect((await aliceClients()).find((client) => client.id === `client/${saved.id}`)?.auth).toContain("fast");

    const result = await as(user, alice, ["--json", "logout"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ jid: aliceJid, tokenDeleted: true, serverRevoked: true, left: [] });
    expect(existsSync(saved.tokenPath)).toBe(false);

    writeFileSync(saved.tokenPath, saved.tokenText, { mode: 0o600 });
    const after = await user.run([...loginArgs(tb, "alice"), "-v", "user", "clients", aliceJid]); // no password anywhere
    expect(after.code).not.toBe(0);
    expect(after.stderr).toMatch(/SEND <authenticate [^>]*mechanism="HT-SHA-256-/);
    expect(after.stderr).toMatch(/RECV <failure xmlns="urn:xmpp:sasl:2"><not-authorized/);
    expect(await tokenLogsIn(saved.id, saved.token)).toBe(false);
    expect((await aliceClients()).find((client) => client.id === `client/${saved.id}`)?.auth ?? []).not.toContain("fast");
  });

  test("when the server cannot be reached: the token file is deleted, the message says the token stays valid on the server, exit 6", async () => {
    const user = await freshUser();
    expect((await as(user, alice, ["user", "clients", aliceJid])).code).toBe(0);
    const saved = savedLogin(user);
    const closed = net.createServer();
    const port = await listenOnLoopback(closed);
    await closeServer(closed);
    const result = await user.run(["--jid", aliceJid, "--server", `127.0.0.1:${port}`, "--ca", tb.caFile, "logout"], { XMGR_PASSWORD: alice.password });
    expectCleanFailure(result, 6);
    expect(result.stderr).toMatch(/deleted here, but the server was not told/);
    expect(result.stderr).toContain(`client/${saved.id}`);
    expect(existsSync(saved.tokenPath)).toBe(false);
    expect(await tokenLogsIn(saved.id, saved.token)).toBe(true); // really still valid: the message was true
  });
});

describe("xmgr user revoke_client", () => {
  test("of xmgr's own client, by the account itself: exit 0, its old token cannot log in, no FAST listed for it", async () => {
    const user = await freshUser();
    expect((await as(user, alice, ["user", "clients", aliceJid])).code).toBe(0);
    const saved = savedLogin(user);

    const result = await as(user, alice, ["--json", "user", "revoke_client", aliceJid, `client/${saved.id}`]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ revoked: true, ownSession: true });
    expect(await tokenLogsIn(saved.id, saved.token)).toBe(false);
    expect((await aliceClients()).find((client) => client.id === `client/${saved.id}`)?.auth ?? []).not.toContain("fast");
  });

  test("of xmgr's client of alice, by the admin: its old token cannot log in, no FAST listed for it", async () => {
    const aliceXmgr = await freshUser();
    expect((await as(aliceXmgr, alice, ["user", "clients", aliceJid])).code).toBe(0);
    const saved = savedLogin(aliceXmgr);

    const result = await as(await freshUser(), admin, ["user", "revoke_client", aliceJid, `client/${saved.id}`]);
    // It once logged in with the password, which it keeps until the password changes (exit 5); its token is gone.
    expectCleanFailure(result, 5);
    expect(result.stderr).toMatch(/FAST tokens were revoked/);
    expect(await tokenLogsIn(saved.id, saved.token)).toBe(false);
    expect((await aliceClients()).find((client) => client.id === `client/${saved.id}`)?.auth ?? []).not.toContain("fast");
  });

  for (const by of ["the account itself", "the admin"] as const) {
    test(`of another connected SASL2 client holding a FAST token, by ${by}: xmgr waits until it is gone and revokes again; the token no longer logs in`, async () => {
      const { peer, id, token } = await connectedFastClient();
      expect(await tokenLogsIn(id, token)).toBe(true);

      const result = await as(await freshUser(), by === "the admin" ? admin : alice, ["user", "revoke_client", aliceJid, `client/${id}`]);
      expectCleanFailure(result, 5); // it logged in with the password too: that part stays until the password changes
      expect(result.stderr).toMatch(/FAST tokens were revoked/);
      expect(peer.isClosed()).toBe(true);
      expect(await tokenLogsIn(id, token)).toBe(false);
      const entry = (await aliceClients()).find((client) => client.id === `client/${id}`);
      expect(entry?.auth ?? []).not.toContain("fast");
    });
  }
});
