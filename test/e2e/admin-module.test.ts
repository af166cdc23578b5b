/**
 * prosody/mod_admin_manage_clients.lua against the real test bed: raw manage-clients IQs sent
 * by real peers to another account's bare JID, answered next to the test client_management.
 */
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginSasl2, loginLegacy, xml, stopAll, type Peer, type XmlElement } from "../support/peers.js";

const NS = "xmpp:prosody.im/protocol/manage-clients";
const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
const ALICE_UA = { id: "11111111-2222-3333-4444-alice0000000", software: "Gajim", device: "box" };
const ALICE_CLIENT = `client/${ALICE_UA.id}`;
/** A password client of alice's that logged in once and is offline now. */
const OLD_UA = { id: "11111111-2222-3333-4444-aliceold0000", software: "Dino" };
const OLD_CLIENT = `client/${OLD_UA.id}`;

const listIq = (to?: string) => xml("iq", { type: "get", to }, xml("list", { xmlns: NS }));
const revokeIq = (to: string | undefined, id: string) => xml("iq", { type: "set", to }, xml("revoke", { xmlns: NS, id }));

/** An element as plain data (attributes sorted, whitespace-only text dropped), for comparing content. */
type Tree = { name: string; attrs: [string, string][]; children: (Tree | string)[] };
function tree(el: XmlElement): Tree {
  return {
    name: el.name,
    attrs: Object.entries(el.attrs).filter((e): e is [string, string] => e[1] !== undefined).sort(),
    children: el.children.filter((c) => typeof c !== "string" || c.trim() !== "").map((c) => (typeof c === "string" ? c : tree(c))),
  };
}

const clientsOf = (reply: XmlElement) => {
  expect(reply.attrs.type).toBe("result");
  const clients = reply.getChild("clients", NS);
  expect(clients).toBeDefined();
  return clients!.getChildren("client");
};
const ids = (reply: XmlElement) => clientsOf(reply).map((c) => c.attrs.id);

/** The <error> of an error reply, checked for type and condition. */
function errorOf(reply: XmlElement, type: string, condition: string): XmlElement {
  expect(reply.attrs.type).toBe("error");
  const error = reply.getChild("error");
  expect(error).toBeDefined();
  expect(error!.attrs.type).toBe(type);
  expect(error!.getChild(condition, STANZAS)).toBeDefined();
  return error!;
}

/** The module's info lines in Prosody's log. */
const auditLines = (tb: Testbed) => tb.log().split("\n").filter((l) => /admin_manage_clients\s+info\s/.test(l));

describe("mod_admin_manage_clients (default permissions)", () => {
  let tb: Testbed;
  let admin: Peer, alice: Peer, bob: Peer;
  let alice2: Peer | undefined;
  let aliceJid: string;
  const nobodyJid = () => `nobody@${tb.host}`;

  beforeAll(async () => {
    tb = await startTestbed();
    await Promise.all([tb.register("admin", "adminpw"), tb.register("alice", "alicepw"), tb.register("bob", "bobpw")]);
    aliceJid = `alice@${tb.host}`;
    [admin, alice, bob] = await Promise.all([
      loginLegacy(tb, { username: "admin", password: "adminpw" }),
      loginSasl2(tb, { username: "alice", password: "alicepw", userAgent: ALICE_UA }),
      loginLegacy(tb, { username: "bob", password: "bobpw" }),
    ]);
    await (await loginSasl2(tb, { username: "alice", password: "alicepw", userAgent: OLD_UA })).stop();
    // Two OAuth2 grants: type="access" clients that never logged in.
    await tb.createGrant("alice", "alicepw");
    await tb.createGrant("alice", "alicepw");
  });
  afterAll(async () => {
    await stopAll(admin, alice, bob, alice2);
    await tb?.stop();
  });

  test("admin lists alice's clients: same answer as alice's own list", async () => {
    const own = await alice.iq(listIq());
    const byAdmin = await admin.iq(listIq(aliceJid));
    expect(byAdmin.attrs.from).toBe(aliceJid);
    expect(byAdmin.attrs.to).toBe(admin.jid);
    expect(tree(byAdmin.getChild("clients", NS)!)).toEqual(tree(own.getChild("clients", NS)!));

    const clients = clientsOf(byAdmin);
    const grants = clients.filter((c) => c.attrs.id?.startsWith("grant/"));
    expect(grants).toHaveLength(2);
    for (const g of grants) {
      expect(g.attrs.type).toBe("access");
      expect(g.getChild("auth")!.getChild("bearer-token")).toBeDefined();
    }
    const session = clients.find((c) => c.attrs.id === ALICE_CLIENT)!;
    expect(session).toBeDefined();
    expect(session.attrs).toMatchObject({ type: "session", connected: "true" });
    expect(session.getChild("auth")!.getChild("password")).toBeDefined();
    expect(session.getChild("user-agent")!.getChildText("software")).toBe("Gajim");
    expect(session.getChild("user-agent")!.getChildText("device")).toBe("box");
    expect(session.getChildText("first-seen")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test("admin revokes one of alice's grants: gone from alice's own list; again -> item-not-found", async () => {
    const grant = ids(await alice.iq(listIq())).find((id) => id?.startsWith("grant/"))!;
    const ok = await admin.iq(revokeIq(aliceJid, grant));
    expect(ok.attrs.type).toBe("result");
    expect(ok.children).toHaveLength(0);
    const after = ids(await alice.iq(listIq()));
    expect(after).not.toContain(grant);
    expect(after.filter((id) => id?.startsWith("grant/"))).toHaveLength(1);

    const again = errorOf(await admin.iq(revokeIq(aliceJid, grant)), "cancel", "item-not-found");
    expect(again.getChildText("text", STANZAS)).toBe("Client not found");
    const bogus = errorOf(await admin.iq(revokeIq(aliceJid, "bogus")), "cancel", "item-not-found");
    expect(bogus.getChildText("text", STANZAS)).toBe("Client not found");
  });

  test("admin revokes alice's password client: password-reset-required inside <error>", async () => {
    const reply = await admin.iq(revokeIq(aliceJid, OLD_CLIENT));
    const error = errorOf(reply, "cancel", "service-unavailable");
    expect(error.getChildText("text", STANZAS)).toBe("Password reset required");
    expect(error.getChild("password-reset-required", NS)).toBeDefined();
    expect(reply.getChildElements().map((c) => c.name)).toEqual(["error"]);
    // The password client keeps access until the password changes: still listed.
    expect(ids(await alice.iq(listIq()))).toContain(OLD_CLIENT);
  });

  test("bob (not admin) is refused, and learns nothing about whether the account exists", async () => {
    const grant = ids(await alice.iq(listIq())).find((id) => id?.startsWith("grant/"))!;
    const replies = [
      await bob.iq(listIq(aliceJid)),
      await bob.iq(revokeIq(aliceJid, grant)),
      await bob.iq(listIq(nobodyJid())),
      await bob.iq(revokeIq(nobodyJid(), grant)),
    ];
    const errors = replies.map((r) => errorOf(r, "auth", "forbidden"));
    for (const r of replies) expect(r.getChild("clients", NS)).toBeUndefined();
    // Byte-identical errors for the existing and the non-existent account.
    expect(errors[2].toString()).toBe(errors[0].toString());
    expect(errors[3].toString()).toBe(errors[1].toString());
    // Nothing was revoked.
    expect(ids(await alice.iq(listIq()))).toContain(grant);
  });

  test("admin asking about a non-existent account gets item-not-found", async () => {
    errorOf(await admin.iq(listIq(nobodyJid())), "cancel", "item-not-found");
    errorOf(await admin.iq(revokeIq(nobodyJid(), "grant/whatever")), "cancel", "item-not-found");
  });

  test("alice asking about herself is still answered by client_management, not by this module", async () => {
    const before = auditLines(tb).length;
    const noTo = await alice.iq(listIq());
    const toSelf = await alice.iq(listIq(aliceJid));
    expect(tree(toSelf.getChild("clients", NS)!)).toEqual(tree(noTo.getChild("clients", NS)!));
    expect(ids(noTo)).toContain(ALICE_CLIENT);
    // A self-revoke goes to client_management too (a legacy login of alice's, revoked by herself).
    alice2 = await loginLegacy(tb, { username: "alice", password: "alicepw" });
    const known = [ALICE_CLIENT, OLD_CLIENT];
    const fresh = ids(await alice.iq(listIq())).find((id) => !known.includes(id!) && id?.startsWith("client/"))!;
    expect(fresh).toBeDefined();
    const selfRevoke = await alice.iq(revokeIq(aliceJid, fresh));
    // client_management's answer for a connected client (it only disconnects it), not this module's internal-server-error.
    errorOf(selfRevoke, "cancel", "undefined-condition");
    expect(auditLines(tb).length).toBe(before);
  });

  test("every admin action is logged at info: who, whose account, selector, outcome", () => {
    const lines = auditLines(tb);
    const has = (...parts: string[]) => lines.some((l) => parts.every((p) => l.includes(p)));
    expect(has(admin.jid, aliceJid, "list", "ok")).toBe(true);
    expect(has(admin.jid, aliceJid, "revoke grant/", "ok")).toBe(true);
    expect(has(admin.jid, aliceJid, `revoke ${OLD_CLIENT}`, "password-reset-required")).toBe(true);
    expect(has(admin.jid, aliceJid, "revoke bogus", "item-not-found")).toBe(true);
    expect(has(admin.jid, nobodyJid(), "list", "no such account")).toBe(true);
    expect(has(bob.jid, aliceJid, "list", "forbidden")).toBe(true);
    expect(has(bob.jid, nobodyJid(), "revoke grant/", "forbidden")).toBe(true);
  });
});

describe("mod_admin_manage_clients (permission granted to another role in the config)", () => {
  let tb: Testbed;
  let bob: Peer | undefined;

  beforeAll(async () => {
    tb = await startTestbed({
      extraHostConfig: `  add_permissions = { ["prosody:registered"] = { "admin_manage_clients:manage-other-users-clients" } }`,
    });
    await Promise.all([tb.register("alice", "alicepw"), tb.register("bob", "bobpw")]);
  });
  afterAll(async () => {
    await stopAll(bob);
    await tb?.stop();
  });

  test("bob, now allowed, lists and revokes alice's grant", async () => {
    await tb.createGrant("alice", "alicepw");
    bob = await loginLegacy(tb, { username: "bob", password: "bobpw" });
    const aliceJid = `alice@${tb.host}`;
    const listed = ids(await bob.iq(listIq(aliceJid)));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatch(/^grant\//);
    expect((await bob.iq(revokeIq(aliceJid, listed[0]!))).attrs.type).toBe("result");
    expect(ids(await bob.iq(listIq(aliceJid)))).toEqual([]);
  });
});
