/**
 * Issue 24, the muc commands on a real ejabberd 24.12 (test/support/ejabberd-testbed.ts). ejabberd
 * has none of Prosody's MUC ad-hoc commands; a server admin is an owner of every room there, so
 * xmgr uses the plain XEP-0045 muc#admin / muc#owner IQs (the ejabberd dialect's mucAdmin). Every
 * side effect is checked with ejabberdctl or by real occupants.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startEjabberd, type EjabberdTestbed } from "../support/ejabberd-testbed.js";
import { loginLegacy, stopAll, type Peer, type XmlElement } from "../support/peers.js";
import { loginArgs, xmgrUser, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";
import { loadSchema, validate } from "../support/json-schema.js";

const ADMIN_PW = "admin-secret-pw";
const NS_MUC_USER = "http://jabber.org/protocol/muc#user";

let ej: EjabberdTestbed;
let user: XmgrUser;
let alice: Peer;
let bob: Peer;
const jid = (name: string) => `${name}@${ej.host}`;
const room = (name: string) => `${name}@${ej.mucHost}`;
const asAdmin = (args: string[]) => user.run([...loginArgs(ej, "admin"), ...args], { XMGR_PASSWORD: ADMIN_PW });

const mucUser = (stanza: XmlElement) => stanza.getChild("x", NS_MUC_USER);
const statuses = (stanza: XmlElement) => mucUser(stanza)?.getChildren("status").map((status) => status.attrs.code) ?? [];
/** The unavailable self-presence a peer gets when removed from `jid` (ban, destroy). */
const removedFrom = (peer: Peer, roomJid: string, nick: string, since: number) =>
  peer.waitFor((stanza) => stanza.name === "presence" && stanza.attrs.from === `${roomJid}/${nick}` && stanza.attrs.type === "unavailable", 20_000, since);

/** A room's options as ejabberdctl get_room_options lists them (name → value). */
async function roomOptions(name: string): Promise<Record<string, string>> {
  const result = await ej.ctl(["get_room_options", name, ej.mucHost]);
  expect(result.code).toBe(0);
  return Object.fromEntries(result.stdout.trim().split("\n").map((line) => line.trim().split(/\s+/, 2) as [string, string]));
}

/** The room's affiliations as ejabberdctl lists them: "bob@example.test outcast", … */
async function affiliations(name: string): Promise<string[]> {
  const result = await ej.ctl(["get_room_affiliations", name, ej.mucHost]);
  expect(result.code).toBe(0);
  return result.stdout.trim().split("\n").filter(Boolean).map((line) => line.trim().split(/\s+/).slice(0, 3).join(" "));
}

async function onlineRooms(): Promise<string[]> {
  const result = await ej.ctl(["muc_online_rooms", "global"]);
  expect(result.code).toBe(0);
  return result.stdout.trim().split("\n").filter(Boolean);
}

async function create(name: string, ...options: string[]): Promise<void> {
  const result = await asAdmin(["muc", "create", room(name), "--persistent", ...options]);
  expect(result.stderr).toContain(`OK: Created ${room(name)}`);
}

beforeAll(async () => {
  ej = await startEjabberd();
  user = await xmgrUser();
  await Promise.all([ej.register("admin", ADMIN_PW), ej.register("alice", "alice-pw"), ej.register("bob", "bob-pw")]);
  [alice, bob] = await Promise.all([loginLegacy(ej, { username: "alice", password: "alice-pw" }), loginLegacy(ej, { username: "bob", password: "bob-pw" })]);
  // One after the other: the profile's first login does not know the server yet, so it uses Bind2,
  // and ejabberd ends an older Bind2 session of the same user-agent id (README, below the command × server table).
  await create("lobby", "--public", "--name", "The Lobby");
  await create("secret", "--name", "Secret");
});

afterAll(async () => {
  await stopAll(alice, bob);
  await ej?.stop();
  await user?.cleanup();
});

describe("ejabberd: muc create", () => {
  test("without --public the room is hidden (xmgr sends publicroom=0: ejabberd's default is public); with it, public", async () => {
    expect((await roomOptions("secret")).public).toBe("false");
    expect((await roomOptions("lobby")).public).toBe("true");
  });
});

describe("ejabberd: muc list", () => {
  test("without --all: only the public room, although ejabberd's disco#items shows the admin the hidden one too", async () => {
    const result = await asAdmin(["muc", "list", ej.mucHost]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(room("lobby"));
    expect(result.stdout).not.toContain(room("secret"));
    expect(result.stderr).toContain(`OK: 1 public room on ${ej.mucHost} (hidden rooms are not shown; --all lists every room)`);
  });

  test("--all: every room from disco#items, the hidden one marked (Public no); no Prosody command asked for", async () => {
    const result = await asAdmin(["muc", "list", "--all", ej.mucHost]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${room("secret")}.*Secret.*no`));
    expect(result.stdout).toMatch(new RegExp(`${room("lobby")}.*The Lobby.*yes`));
    expect(result.stderr).toContain(`OK: 2 rooms on ${ej.mucHost}`);
    expect(result.stderr).not.toMatch(/Prosody|muc#destroy|hidden rooms are not shown/);
    const json = await asAdmin(["--json", "muc", "list", "--all", ej.mucHost]);
    const listed = (JSON.parse(json.stdout) as { rooms: { jid: string; public?: boolean }[] }).rooms;
    expect(listed.map((item) => [item.jid, item.public]).sort()).toEqual([[room("lobby"), true], [room("secret"), false]]);
  });

  test("--json --all says whether hidden rooms may be missing: true for an account that is not a server admin, false for the admin", async () => {
    const asBob = await user.run([...loginArgs(ej, "bob"), "--json", "muc", "list", "--all", ej.mucHost], { XMGR_PASSWORD: "bob-pw" });
    expect(asBob.code).toBe(0);
    const bobs = JSON.parse(asBob.stdout) as { all: boolean; hiddenMayBeMissing?: boolean; rooms: { jid: string }[] };
    expect(bobs).toMatchObject({ all: true, hiddenMayBeMissing: true });
    expect(bobs.rooms.map((item) => item.jid)).toEqual([room("lobby")]);
    expect(validate(loadSchema("muc-list.json"), bobs, "muc-list.json")).toEqual([]);
    const asAdminJson = await asAdmin(["--json", "muc", "list", "--all", ej.mucHost]);
    const admins = JSON.parse(asAdminJson.stdout) as { all: boolean; hiddenMayBeMissing?: boolean };
    expect(admins).toMatchObject({ all: true, hiddenMayBeMissing: false });
    expect(validate(loadSchema("muc-list.json"), admins, "muc-list.json")).toEqual([]);
  });

  test("--all for an account that is not a server admin: ejabberd leaves the hidden rooms out, and xmgr says they may be missing", async () => {
    const result = await user.run([...loginArgs(ej, "bob"), "muc", "list", "--all", ej.mucHost], { XMGR_PASSWORD: "bob-pw" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(room("lobby"));
    expect(result.stdout).not.toContain(room("secret"));
    expect(result.stderr).toContain(`OK: 1 room on ${ej.mucHost} (as its disco#items lists them to you: this server may leave hidden rooms out)`);
    const admin = await asAdmin(["muc", "list", "--all", ej.mucHost]);
    expect(admin.stderr).toBe(`OK: 2 rooms on ${ej.mucHost}\n`);
  });

  test("a room without a name is listed under its own name, without the occupant count ejabberd adds in disco#items", async () => {
    await create("plain", "--public");
    try {
      const json = await asAdmin(["--json", "muc", "list", "--all", ej.mucHost]);
      expect(json.code).toBe(0);
      const plain = (JSON.parse(json.stdout) as { rooms: { jid: string; name?: string; occupants?: number }[] }).rooms.find((item) => item.jid === room("plain"));
      expect(plain).toEqual({ jid: room("plain"), name: "plain", occupants: 0, public: true });
      const table = await asAdmin(["muc", "list", ej.mucHost]);
      expect(table.stdout).toContain(`${room("plain")}\tplain\t0\n`);
    } finally {
      expect((await ej.ctl(["destroy_room", "plain", ej.mucHost])).code).toBe(0);
    }
  });
});

describe("ejabberd: muc ban, unban, affiliation (muc#admin set by the admin)", () => {
  test("ban: the present occupant is removed with status 301 and the reason, and ejabberd lists the outcast", async () => {
    await create("banroom");
    await bob.joinRoom(room("banroom"), "Bob");
    const since = bob.received.length;
    const result = await asAdmin(["muc", "ban", room("banroom"), jid("bob"), "Spamming links"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`OK: Banned ${jid("bob")} from ${room("banroom")}`);
    const removed = await removedFrom(bob, room("banroom"), "Bob", since);
    expect(statuses(removed)).toContain("301");
    expect(mucUser(removed)!.getChild("item")!.getChildText("reason")).toBe("Spamming links");
    expect(await affiliations("banroom")).toContain(`${jid("bob")} outcast Spamming`);
    await expect(bob.joinRoom(room("banroom"), "Bob")).rejects.toThrow(/forbidden/);
  });

  test("unban: the outcast affiliation is gone and bob may join again; a second unban changes nothing (exit 4)", async () => {
    const result = await asAdmin(["muc", "unban", room("banroom"), jid("bob")]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`OK: Unbanned ${jid("bob")} from ${room("banroom")}`);
    expect((await affiliations("banroom")).some((line) => line.startsWith(jid("bob")))).toBe(false);
    await bob.joinRoom(room("banroom"), "Bob");
    const again = await asAdmin(["muc", "unban", room("banroom"), jid("bob")]);
    expectCleanFailure(again, 4);
    expect(again.stderr).toContain("is not banned");
  });

  test("affiliation taking the only owner away: asked first (exit 2 without --yes), saying ejabberd's server admins can still configure the room; nothing changed", async () => {
    const result = await asAdmin(["muc", "affiliation", room("secret"), jid("admin"), "member"]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain(`! Not confirmed: ${jid("admin")} is the only owner of ${room("secret")}: making it member leaves the room without an owner, and only the server admins (ejabberd makes them owners of every room) can configure it then.`);
    expect(result.stderr).not.toContain("nobody can configure");
    expect(await affiliations("secret")).toEqual([`${jid("admin")} owner`]);
  });

  test("affiliation: alice becomes member, as ejabberd lists it", async () => {
    const result = await asAdmin(["muc", "affiliation", room("lobby"), jid("alice"), "member"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`OK: ${jid("alice")} is now member in ${room("lobby")}`);
    expect(await affiliations("lobby")).toContain(`${jid("alice")} member`);
  });

  test("a room that does not exist: exit 4, and no room is created", async () => {
    const result = await asAdmin(["muc", "ban", room("nosuch"), jid("bob"), "--yes"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain(`There is no room ${room("nosuch")}`);
    expect(await onlineRooms()).not.toContain(room("nosuch"));
  });
});

describe("ejabberd: muc destroy (muc#owner destroy by the admin)", () => {
  test("a room that never existed is exit 4 (ejabberd itself answers its destroy with a result), not 'Destroyed'", async () => {
    const result = await asAdmin(["muc", "destroy", room("neverwas"), "--reason", "Gone", "--yes"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain(`There is no room ${room("neverwas")}; nothing was destroyed.`);
    expect(result.stderr).not.toContain("Destroyed");
  });

  test("an existing room is destroyed with the reason: the occupant is told, ejabberd no longer has it", async () => {
    await create("doomed");
    await bob.joinRoom(room("doomed"), "Bob");
    const since = bob.received.length;
    const result = await asAdmin(["muc", "destroy", room("doomed"), "--reason", "Moved", "--yes"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`OK: Destroyed ${room("doomed")}`);
    const removed = await removedFrom(bob, room("doomed"), "Bob", since);
    expect(mucUser(removed)!.getChild("destroy")!.getChildText("reason")).toBe("Moved");
    expect(await onlineRooms()).not.toContain(room("doomed"));
  });

  test("without --reason, and with a missing room beside it: the real one destroyed, the missing one exit 4", async () => {
    await create("doomed2");
    const result = await asAdmin(["muc", "destroy", room("doomed2"), room("neverwas2"), "--yes"]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`OK: Destroyed ${room("doomed2")}`);
    expect(result.stderr).toContain(`There is no room ${room("neverwas2")}; the others were destroyed.`);
    expect(await onlineRooms()).not.toContain(room("doomed2"));
  });
});

describe("ejabberd: muc kick over XMPP", () => {
  test("an unknown nickname is exit 4 (ejabberd answers not-acceptable)", async () => {
    const result = await asAdmin(["muc", "kick", room("lobby"), "Nobody"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain(`Nobody with the nickname Nobody is in ${room("lobby")}`);
  });

  test("kicking an owner: ejabberd's own text, no Prosody rule; the owner stays", async () => {
    expect((await asAdmin(["muc", "affiliation", room("lobby"), jid("alice"), "owner"])).code).toBe(0);
    await alice.joinRoom(room("lobby"), "Alice");
    const since = alice.received.length;
    const result = await asAdmin(["muc", "kick", room("lobby"), "Alice"]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain("not-allowed");
    expect(result.stderr).toMatch(/the server says: .+/);
    expect(result.stderr).not.toMatch(/Prosody/);
    expect(alice.received.slice(since).some((s) => s.name === "presence" && s.attrs.type === "unavailable" && s.attrs.from === `${room("lobby")}/Alice`)).toBe(false);
  });
});

describe("ejabberd: a destructive command it has no XMPP way for", () => {
  test("host deactivate without --yes is refused naming ejabberd's way (exit 5), not asked to be confirmed", async () => {
    const result = await asAdmin(["host", "deactivate", ej.host]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toMatch(/ejabberd does not offer this over XMPP; use .*reload_config/);
    expect(result.stderr).not.toMatch(/Not confirmed|--yes/);
  });

  test("in an xmgr shell batch too: refused (exit 5), not 'Not confirmed'", async () => {
    const result = await asAdmin(["shell", "-c", `host deactivate ${ej.host}`]);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/ejabberd does not offer this over XMPP; use .*reload_config/);
    expect(result.stderr).not.toMatch(/Not confirmed/);
  });
});

describe("ejabberd: no message names Prosody", () => {
  const noProsody = (text: string) => expect(text).not.toMatch(/prosody|mod_uptime|NAME~RANDOM/i);

  test("server uptime / version of the MUC service: ejabberd's modules for its hosts, not 'Load mod_uptime'", async () => {
    const uptime = await asAdmin(["server", "uptime", ej.mucHost]);
    expectCleanFailure(uptime, 5);
    expect(uptime.stderr).toContain("mod_last");
    noProsody(uptime.stderr);
    const version = await asAdmin(["server", "version", ej.mucHost]);
    expectCleanFailure(version, 5);
    expect(version.stderr).toContain("ejabberd answers version requests with mod_version");
    noProsody(version.stderr);
  });

  test("server info of a host that publishes no contact addresses: ejabberd's way to publish them, not Prosody's module", async () => {
    const result = await asAdmin(["server", "info"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Contacts\tnone published (the `server_info` option of mod_disco in ejabberd.yml)\n");
    expect(result.stdout).not.toMatch(/mod_server_contact_info/);
    noProsody(result.stdout + result.stderr);
  });

  test("ping of a full JID that is not bound: exit 4, ejabberd's NAME.RANDOM", async () => {
    const result = await asAdmin(["xmpp", "ping", `${jid("alice")}/nosuch`, "--count", "1"]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("ejabberd binds resources as NAME.RANDOM for Bind2 logins (a classic bind keeps the NAME asked for)");
    // The classic half: a client that binds the RFC 6120 way gets the resource it asked for, unchanged.
    const classic = await loginLegacy(ej, { username: "bob", password: "bob-pw", resource: "desk" });
    try {
      expect(classic.resource).toBe("desk");
    } finally {
      await classic.stop();
    }
    noProsody(result.stderr);
  });

  test("an admin command refused to a non-admin: ejabberd's admin ACL, not Prosody's admins list", async () => {
    const result = await user.run([...loginArgs(ej, "bob"), "c2s", "count"], { XMGR_PASSWORD: "bob-pw" });
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain("ejabberd's `admin` ACL");
    noProsody(result.stderr);
  });

  test("a refused connection names ejabberd, kept for the host from the earlier logins", async () => {
    const args = loginArgs(ej, "admin");
    args[args.indexOf("--server") + 1] = `127.0.0.1:${ej.directTlsPort + 1000}`;
    const result = await user.run([...args, "server", "uptime"], { XMGR_PASSWORD: ADMIN_PW });
    expectCleanFailure(result, 6);
    expect(result.stderr).toContain("connection refused");
    expect(result.stderr).toContain("Check --server and that ejabberd listens there");
  });
});
