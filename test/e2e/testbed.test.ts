// Proves the test bed itself: a real Prosody 13 starts and stops, real peers' logins and a real
// OAuth2 grant show up in the manage-clients list, revoke works, and an HTTP kick reaches a peer.
import { existsSync } from "node:fs";
import net from "node:net";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginSasl2, loginLegacy, xml, stopAll, type Peer, type XmlElement } from "../support/peers.js";

const NS = "xmpp:prosody.im/protocol/manage-clients";
const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
const GAJIM_ID = "11111111-2222-3333-4444-alice0000000";

const listIq = (to?: string) => xml("iq", { type: "get", to }, xml("list", { xmlns: NS }));
const revokeIq = (id: string) => xml("iq", { type: "set" }, xml("revoke", { xmlns: NS, id }));
const clientsOf = (reply: XmlElement) => reply.getChild("clients", NS)?.getChildren("client") ?? [];
const errorCondition = (reply: XmlElement) =>
  reply.getChild("error")?.getChildElements().find((c) => c.getNS() === STANZAS && c.name !== "text")?.name;

describe("test bed", () => {
  let tb: Testbed;
  let gajim: Peer | undefined;
  let legacy: Peer | undefined;
  let bob: Peer | undefined;

  beforeAll(async () => {
    tb = await startTestbed();
    await Promise.all([tb.register("alice", "alicepw"), tb.register("bob", "bobpw")]);
  });
  afterAll(async () => {
    await stopAll(gajim, legacy, bob);
    await tb?.stop();
  });

  test("Prosody 13 runs on loopback with our modules loaded", () => {
    const ports = [tb.c2sPort, tb.directTlsPort, tb.httpPort, tb.httpsPort];
    expect(new Set(ports).size).toBe(4);
    expect(existsSync(tb.configFile)).toBe(true);
    expect(existsSync(tb.caFile)).toBe(true);
    const log = tb.log();
    expect(log).toContain("Prosody version 13");
    expect(log).toContain("Serving 'muc_kick' at");
    expect(log).not.toMatch(/Unable to load module '(client_management|http_muc_kick)'/);
  });

  test("a SASL2 peer, a legacy peer and a grant are listed by the account itself", async () => {
    gajim = await loginSasl2(tb, { username: "alice", password: "alicepw", userAgent: { id: GAJIM_ID, software: "Gajim", device: "spike box" } });
    legacy = await loginLegacy(tb, { username: "alice", password: "alicepw" });
    await tb.createGrant("alice", "alicepw");

    const reply = await gajim.iq(listIq());
    expect(reply.attrs.type).toBe("result");
    expect(reply.attrs.to).toBe(gajim.jid);
    const clients = clientsOf(reply);
    expect(clients).toHaveLength(3);

    const g = clients.find((c) => c.attrs.id === `client/${GAJIM_ID}`)!;
    expect(g.attrs).toMatchObject({ type: "session", connected: "true" });
    expect(g.getChildText("first-seen")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(g.getChild("auth")!.toString()).toBe("<auth><password/></auth>");
    expect(g.getChild("user-agent")!.toString()).toBe("<user-agent><software>Gajim</software><device>spike box</device></user-agent>");

    const l = clients.find((c) => c.attrs.id !== g.attrs.id && c.attrs.type === "session")!;
    expect(l.attrs.id).toMatch(/^client\/[A-Za-z0-9_-]{12}$/);
    expect(l.attrs.connected).toBe("true");
    expect(l.getChild("user-agent")!.toString()).toBe("<user-agent/>");

    const grant = clients.find((c) => c.attrs.type === "access")!;
    expect(grant.attrs.id).toMatch(/^grant\//);
    expect(grant.attrs.connected).toBe("false");
    expect(grant.getChild("auth")!.toString()).toBe("<auth><bearer-token/></auth>");

    const lastSeen = clients.map((c) => c.getChildText("last-seen")!);
    expect([...lastSeen].sort()).toEqual(lastSeen); // oldest first
  });

  test("revoke: a grant, unknown ids, a password client, the requesting client itself", async () => {
    const clients = clientsOf(await gajim!.iq(listIq()));
    const grantId = clients.find((c) => c.attrs.type === "access")!.attrs.id!;
    const legacyId = clients.find((c) => c.attrs.type === "session" && c.attrs.id !== `client/${GAJIM_ID}`)!.attrs.id!;

    const ok = await gajim!.iq(revokeIq(grantId));
    expect(ok.attrs.type).toBe("result");
    expect(ok.children).toHaveLength(0);
    expect(clientsOf(await gajim!.iq(listIq())).map((c) => c.attrs.id)).not.toContain(grantId);

    for (const gone of [grantId, "client/doesnotexist", "bogus"]) {
      const err = await gajim!.iq(revokeIq(gone));
      expect(err.getChild("error")!.toString()).toBe(
        `<error type="cancel"><item-not-found xmlns="${STANZAS}"/><text xmlns="${STANZAS}">Client not found</text></error>`);
    }

    // A connected client is only disconnected, as the stock module does: an error, nothing revoked.
    const connected = await gajim!.iq(revokeIq(legacyId));
    expect(errorCondition(connected)).toBe("undefined-condition");
    await legacy!.closed; // gone from the server (after its close timeout: the peer does not answer the close)
    // Now the revoke goes through; a password client keeps access until the password changes.
    const pw = await gajim!.iq(revokeIq(legacyId));
    expect(errorCondition(pw)).toBe("service-unavailable");
    expect(pw.getChild("error")!.getChildText("text", STANZAS)).toBe("Password reset required");
    expect(pw.getChild("error")!.getChild("password-reset-required", NS)).toBeDefined();

    // Revoking the very client that asks: no reply, its stream closes (the server's plain close; the
    // peer does not answer it, so the connection ends at Prosody's 5 s close timeout).
    await expect(gajim!.iq(revokeIq("software/Gajim"), 30_000)).rejects.toThrow(/connection closed/);
    expect(gajim!.isClosed()).toBe(true);
  });

  test("a kick via HTTP POST makes a joined peer receive status 307 with the reason", async () => {
    bob = await loginLegacy(tb, { username: "bob", password: "bobpw" });
    const room = `room1@${tb.mucHost}`;
    await bob.joinRoom(room, "Bob");
    const kicked = bob.waitForKick(room, "Bob");
    const post = (auth: string, body: object) => tb.http("POST", "/muc_kick", {
      host: tb.mucHost, headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify(body),
    });

    const denied = await post("Basic nope", { nickname: "Bob", muc: room });
    expect([denied.status, denied.body]).toEqual([401, '{"error":"Authorization failed"}']);

    const res = await post(tb.mucKickAuth, { nickname: "Bob", muc: room, reason: "spam" });
    expect([res.status, res.body]).toEqual([200, ""]);
    const kick = await kicked;
    expect(kick.statuses).toContain("307");
    expect(kick.reason).toBe("spam");
  });

  test("stop() ends Prosody and removes its directory", async () => {
    await stopAll(gajim, legacy, bob);
    await tb.stop();
    expect(existsSync(tb.dir)).toBe(false);
    const refused = await new Promise<boolean>((res) => {
      const s = net.connect({ host: "127.0.0.1", port: tb.directTlsPort });
      s.once("connect", () => { s.destroy(); res(false); });
      s.once("error", () => res(true));
    });
    expect(refused).toBe(true);
  });
});

describe("test bed without the admin module (a stock server)", () => {
  let tb: Testbed;
  let admin: Peer | undefined;

  beforeAll(async () => {
    tb = await startTestbed({ omitHostModules: ["admin_manage_clients"] });
    await Promise.all([tb.register("alice", "alicepw"), tb.register("admin", "adminpw")]);
  });
  afterAll(async () => {
    await stopAll(admin);
    await tb?.stop();
  });

  test("a list IQ to another account's bare JID gets service-unavailable, even from an admin", async () => {
    admin = await loginSasl2(tb, { username: "admin", password: "adminpw" });
    const reply = await admin.iq(listIq(`alice@${tb.host}`));
    expect(reply.attrs.type).toBe("error");
    expect(errorCondition(reply)).toBe("service-unavailable");
    // Its own list still works.
    expect((await admin.iq(listIq())).attrs.type).toBe("result");
  });
});
