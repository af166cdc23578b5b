/**
 * The muc section over XMPP end to end: the built bin/xmgr as the server admin (and as a plain
 * user) against a real Prosody 13 test bed with two MUC components, chat.example.test (stock
 * defaults) and rooms.example.test (component_admins_as_room_owners = true), and real occupants
 * (peers) who see every side effect: kicks, bans, destroys, the admin's join.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginLegacy, stopAll, xml, type Peer, type XmlElement } from "../support/peers.js";
import { loginArgs, tsvRecords, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";

/** A field/value table printed to a pipe (tab-separated), as an object. */
const fieldValues = (stdout: string) => Object.fromEntries(tsvRecords(stdout).map((row) => [row.Field ?? row.Setting, row.Value]));
import { expectCleanFailure } from "../support/expect-failure.js";
import { TmuxTerminal } from "../support/tmux.js";

const NS_MUC_USER = "http://jabber.org/protocol/muc#user";
const NS_MUC_ADMIN = "http://jabber.org/protocol/muc#admin";
const NS_MUC_OWNER = "http://jabber.org/protocol/muc#owner";
const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
const PW = { admin: "admin-pw", alice: "alice-pw", bob: "bob-pw", carol: "carol-pw" } as const;

let tb: Testbed;
let adminUser: XmgrUser;
let bobUser: XmgrUser;
let alice: Peer;
let bob: Peer;
let carol: Peer;
/** The admin's own client: on rooms.example.test it reads any room's lists as an owner. */
let adminPeer: Peer;

/** xmgr as the server admin, or as bob (a plain user). */
const admin = (args: string[]): Promise<XmgrResult> => adminUser.run([...loginArgs(tb, "admin"), ...args], { XMGR_PASSWORD: PW.admin });
const asBob = (args: string[]): Promise<XmgrResult> => bobUser.run([...loginArgs(tb, "bob"), ...args], { XMGR_PASSWORD: PW.bob });

const chat = (name: string) => `${name}@${tb.mucHost}`;
const owners = (name: string) => `${name}@${tb.mucOwnersHost}`;

/** Sends an IQ and insists on a result. */
async function iqOk(peer: Peer, stanza: XmlElement): Promise<XmlElement> {
  const reply = await peer.iq(stanza);
  if (reply.attrs.type !== "result") throw new Error(`IQ failed: ${reply.toString()}`);
  return reply;
}

/** alice creates a room by joining it and configures it as its owner. */
async function aliceCreates(room: string, config: { public?: boolean; name?: string; persistent?: boolean } = {}): Promise<void> {
  await alice.joinRoom(room, "Alice");
  const field = (name: string, value: string) => xml("field", { var: name }, xml("value", {}, value));
  await iqOk(
    alice,
    xml("iq", { type: "set", to: room }, xml("query", { xmlns: NS_MUC_OWNER }, xml("x", { xmlns: "jabber:x:data", type: "submit" },
      field("FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig"),
      field("muc#roomconfig_publicroom", config.public ? "1" : "0"),
      field("muc#roomconfig_persistentroom", config.persistent ? "1" : "0"),
      ...(config.name ? [field("muc#roomconfig_roomname", config.name)] : []),
    ))),
  );
}

/** What an owner (alice) sees in a room's affiliation list. */
async function listAs(peer: Peer, room: string, affiliation: string): Promise<string[]> {
  const reply = await iqOk(peer, xml("iq", { type: "get", to: room }, xml("query", { xmlns: NS_MUC_ADMIN }, xml("item", { affiliation }))));
  return reply.getChild("query", NS_MUC_ADMIN)!.getChildren("item").map((item) => item.attrs.jid ?? "");
}

async function exists(room: string): Promise<boolean> {
  const reply = await carol.iq(xml("iq", { type: "get", to: room }, xml("query", { xmlns: NS_DISCO_INFO })));
  return reply.attrs.type === "result";
}

const mucUser = (stanza: XmlElement) => stanza.getChild("x", NS_MUC_USER);
const statuses = (stanza: XmlElement) => mucUser(stanza)?.getChildren("status").map((status) => status.attrs.code) ?? [];
/** The unavailable self-presence a peer gets when removed from `room` (kick, ban, destroy). */
const removedFrom = (peer: Peer, room: string, nick: string, since: number) =>
  peer.waitFor((stanza) => stanza.name === "presence" && stanza.attrs.from === `${room}/${nick}` && stanza.attrs.type === "unavailable", 20_000, since);

beforeAll(async () => {
  tb = await startTestbed();
  [adminUser, bobUser] = await Promise.all([xmgrUser(), xmgrUser()]);
  await Promise.all(Object.entries(PW).map(([user, password]) => tb.register(user, password)));
  [alice, bob, carol, adminPeer] = await Promise.all([
    loginLegacy(tb, { username: "alice", password: PW.alice }),
    loginLegacy(tb, { username: "bob", password: PW.bob }),
    loginLegacy(tb, { username: "carol", password: PW.carol }),
    loginLegacy(tb, { username: "admin", password: PW.admin }),
  ]);
});

afterAll(async () => {
  await stopAll(alice, bob, carol, adminPeer);
  await Promise.all([adminUser?.cleanup(), bobUser?.cleanup()]);
  await tb?.stop();
});

describe("xmgr muc list", () => {
  beforeAll(async () => {
    await aliceCreates(chat("lounge"), { public: true, name: "The Lounge" });
    await aliceCreates(chat("backroom"), { public: false, name: "Back Room" });
    await bob.joinRoom(chat("lounge"), "Bob");
  });

  test("lists the public rooms only, with name and occupants, and says hidden ones are left out", async () => {
    const result = await admin(["muc", "list", tb.mucHost]);
    expect(result.code).toBe(0);
    expect(tsvRecords(result.stdout)).toContainEqual({ Room: chat("lounge"), Name: "The Lounge", Occupants: "2" });
    expect(result.stdout).not.toContain(chat("backroom"));
    expect(result.stderr).toMatch(/hidden rooms are not shown; --all lists every room/);
  });

  test("--all lists the hidden room too, marks it, and leaves it in place (the destroy form is never submitted)", async () => {
    const result = await admin(["--json", "muc", "list", "--all", tb.mucHost]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as { service: string; all: boolean; rooms: { jid: string; name?: string; occupants?: number; public?: boolean }[] };
    expect(listed.service).toBe(tb.mucHost);
    expect(listed.all).toBe(true);
    expect(listed.rooms).toEqual(expect.arrayContaining([
      { jid: chat("lounge"), name: "The Lounge", occupants: 2, public: true },
      { jid: chat("backroom"), name: "Back Room", occupants: 1, public: false },
    ]));
    expect(await exists(chat("backroom"))).toBe(true);
    expect(alice.isClosed()).toBe(false);
  });

  test("without SERVICE and with two MUC services on the server: exit 2, names both", async () => {
    const result = await admin(["muc", "list"]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain(tb.mucHost);
    expect(result.stderr).toContain(tb.mucOwnersHost);
  });

  test("a plain user gets the public list, and --all is refused (exit 5)", async () => {
    const listed = await asBob(["muc", "list", tb.mucHost]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(chat("lounge"));
    const all = await asBob(["muc", "list", "--all", tb.mucHost]);
    expectCleanFailure(all, 5);
    expect(all.stderr).toMatch(/server admins/);
  });
});

describe("xmgr muc info", () => {
  test("shows a hidden room's name, occupant count and settings", async () => {
    await aliceCreates(chat("infohidden"), { name: "Quiet Corner", persistent: true });
    const result = await admin(["muc", "info", chat("infohidden")]);
    expect(result.code).toBe(0);
    expect(fieldValues(result.stdout)).toMatchObject({ Name: "Quiet Corner", Occupants: "1", Public: "no", Persistent: "yes" });
    const json = JSON.parse((await admin(["--json", "muc", "info", chat("infohidden")])).stdout);
    expect(json).toMatchObject({ room: chat("infohidden"), name: "Quiet Corner", occupants: 1, public: false, persistent: true, membersOnly: false });
  });

  test("no such room: exit 4", async () => {
    const result = await admin(["muc", "info", chat("nosuchroom")]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain(chat("nosuchroom"));
  });
});

describe("xmgr muc affiliations", () => {
  test("with component_admins_as_room_owners: the admin reads every list, reasons included", async () => {
    await aliceCreates(owners("club"));
    await iqOk(alice, xml("iq", { type: "set", to: owners("club") }, xml("query", { xmlns: NS_MUC_ADMIN }, xml("item", { jid: `bob@${tb.host}`, affiliation: "member" }))));
    await iqOk(alice, xml("iq", { type: "set", to: owners("club") }, xml("query", { xmlns: NS_MUC_ADMIN },
      xml("item", { jid: `mallory@${tb.host}`, affiliation: "outcast" }, xml("reason", {}, "Trolling")))));
    const result = await admin(["--json", "muc", "affiliations", owners("club")]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).affiliations).toEqual(expect.arrayContaining([
      { jid: `alice@${tb.host}`, affiliation: "owner" },
      { jid: `bob@${tb.host}`, affiliation: "member" },
      { jid: `mallory@${tb.host}`, affiliation: "outcast", reason: "Trolling" },
    ]));
    const outcasts = await admin(["muc", "affiliations", owners("club"), "outcast"]);
    expect(outcasts.stdout).toContain(`mallory@${tb.host}`);
    expect(outcasts.stdout).not.toContain(`bob@${tb.host}`);
  });

  test("without it (chat.example.test): refused, exit 5, naming the setting", async () => {
    const result = await admin(["muc", "affiliations", chat("lounge")]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain("component_admins_as_room_owners = true");
    expect(result.stderr).toContain(`Component "${tb.mucHost}"`);
  });

  test("a plain user is refused (exit 5)", async () => {
    expectCleanFailure(await asBob(["muc", "affiliations", owners("club")]), 5);
  });
});

describe("xmgr muc ban and unban", () => {
  test("a ban removes the present occupant with status 301 and the reason; rejoining is refused; unban lets him back", async () => {
    await aliceCreates(chat("banroom"));
    await bob.joinRoom(chat("banroom"), "Bob");
    const since = bob.received.length;
    const banned = await admin(["muc", "ban", chat("banroom"), `bob@${tb.host}`, "Spamming links"]);
    expect(banned.code).toBe(0);
    expect(banned.stderr).toContain(`OK: Banned bob@${tb.host} from ${chat("banroom")}`);
    const removed = await removedFrom(bob, chat("banroom"), "Bob", since);
    expect(statuses(removed)).toContain("301");
    expect(mucUser(removed)!.getChild("item")!.attrs.affiliation).toBe("outcast");
    expect(mucUser(removed)!.getChild("item")!.getChildText("reason")).toBe("Spamming links");
    await expect(bob.joinRoom(chat("banroom"), "Bob")).rejects.toThrow(/forbidden/);

    const unbanned = await admin(["muc", "unban", chat("banroom"), `bob@${tb.host}`]);
    expect(unbanned.code).toBe(0);
    // chat.example.test does not show the outcast list to the admin: xmgr says it could not check.
    expect(unbanned.stderr).toMatch(/Could not check/);
    await bob.joinRoom(chat("banroom"), "Bob");
  });

  test("where the outcasts can be read, unban of someone not banned changes nothing (exit 4)", async () => {
    await aliceCreates(owners("unbanroom"));
    const result = await admin(["muc", "unban", owners("unbanroom"), `alice@${tb.host}`]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("not banned");
    expect(await listAs(alice, owners("unbanroom"), "owner")).toEqual([`alice@${tb.host}`]);
  });

  test("no such room: exit 4", async () => {
    expectCleanFailure(await admin(["muc", "ban", chat("nosuchroom"), `bob@${tb.host}`]), 4);
  });

  test("a plain user can neither ban nor unban (exit 5), and the occupant stays", async () => {
    await aliceCreates(chat("bobban"));
    await carol.joinRoom(chat("bobban"), "Carol");
    expectCleanFailure(await asBob(["muc", "ban", chat("bobban"), `carol@${tb.host}`]), 5);
    expectCleanFailure(await asBob(["muc", "unban", chat("bobban"), `carol@${tb.host}`]), 5);
    expect(await listAs(alice, chat("bobban"), "outcast")).toEqual([]);
  });
});

describe("the last-owner guard (muc affiliation, muc ban)", () => {
  test("taking the only owner away is refused without a terminal, and nothing changes", async () => {
    await aliceCreates(owners("guarded"));
    const result = await admin(["muc", "affiliation", owners("guarded"), `alice@${tb.host}`, "member"]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toMatch(/only owner/);
    expect(result.stderr).toContain("--yes");
    const ban = await admin(["muc", "ban", owners("guarded"), `alice@${tb.host}`]);
    expectCleanFailure(ban, 2);
    expect(await listAs(alice, owners("guarded"), "owner")).toEqual([`alice@${tb.host}`]);
  });

  test("with a second owner it goes ahead; with --yes the last owner can go too", async () => {
    await aliceCreates(owners("handover"));
    const promoted = await admin(["muc", "affiliation", owners("handover"), `carol@${tb.host}`, "owner"]);
    expect(promoted.code).toBe(0);
    const demoted = await admin(["muc", "affiliation", owners("handover"), `alice@${tb.host}`, "admin"]);
    expect(demoted.code).toBe(0);
    expect(demoted.stderr).toContain(`OK: alice@${tb.host} is now admin in ${owners("handover")}`);
    expect(await listAs(adminPeer, owners("handover"), "owner")).toEqual([`carol@${tb.host}`]);

    const refused = await admin(["muc", "affiliation", owners("handover"), `carol@${tb.host}`, "none"]);
    expectCleanFailure(refused, 2);
    expect(await listAs(adminPeer, owners("handover"), "owner")).toEqual([`carol@${tb.host}`]);
    const forced = await admin(["muc", "affiliation", "--yes", owners("handover"), `carol@${tb.host}`, "none"]);
    expect(forced.code).toBe(0);
    expect(await listAs(adminPeer, owners("handover"), "owner")).toEqual([]);
  });

  test("a plain user cannot set affiliations (exit 5)", async () => {
    await aliceCreates(chat("bobaff"));
    expectCleanFailure(await asBob(["muc", "affiliation", chat("bobaff"), `bob@${tb.host}`, "owner"]), 5);
    expect(await listAs(alice, chat("bobaff"), "owner")).toEqual([`alice@${tb.host}`]);
  });
});

describe("xmgr muc destroy", () => {
  test("without a terminal and without --yes: refused (exit 2), the room stays", async () => {
    await aliceCreates(chat("keepme"));
    const result = await admin(["muc", "destroy", chat("keepme")]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain("--yes");
    expect(await exists(chat("keepme"))).toBe(true);
  });

  test("--yes destroys a room of the stock component; its occupants receive <destroy/>", async () => {
    await aliceCreates(chat("doomed"));
    await bob.joinRoom(chat("doomed"), "Bob");
    const [aliceSince, bobSince] = [alice.received.length, bob.received.length];
    const result = await admin(["muc", "destroy", "--yes", chat("doomed")]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`OK: Destroyed ${chat("doomed")}`);
    for (const [peer, nick, since] of [[alice, "Alice", aliceSince], [bob, "Bob", bobSince]] as const) {
      expect(mucUser(await removedFrom(peer, chat("doomed"), nick, since))!.getChild("destroy")).toBeDefined();
    }
    expect(await exists(chat("doomed"))).toBe(false);
  });

  test("--reason and --alternate reach the occupants where admins are owners", async () => {
    await aliceCreates(owners("oldplace"));
    const since = alice.received.length;
    const result = await admin(["--json", "muc", "destroy", "--yes", "--reason", "Moved", "--alternate", owners("newplace"), owners("oldplace")]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ destroyed: [owners("oldplace")], notFound: [] });
    const destroy = mucUser(await removedFrom(alice, owners("oldplace"), "Alice", since))!.getChild("destroy")!;
    expect(destroy.attrs.jid).toBe(owners("newplace"));
    expect(destroy.getChildText("reason")).toBe("Moved");
  });

  test("where the server refuses the owner's destroy, the room is destroyed without the reason, and xmgr says so", async () => {
    await aliceCreates(chat("noreason"));
    const result = await admin(["muc", "destroy", "--yes", "--reason", "Moved", chat("noreason")]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/without the reason/);
    expect(await exists(chat("noreason"))).toBe(false);
  });

  test("a destroyed persistent room (Prosody keeps a tombstone): info says so (exit 4), list --all leaves it out", async () => {
    await aliceCreates(chat("tombstone"), { persistent: true });
    expect((await admin(["muc", "destroy", "--yes", chat("tombstone")])).code).toBe(0);
    const info = await admin(["muc", "info", chat("tombstone")]);
    expectCleanFailure(info, 4);
    expect(info.stderr).toContain("was destroyed");
    const listed = JSON.parse((await admin(["--json", "muc", "list", "--all", tb.mucHost])).stdout) as { rooms: { jid: string }[] };
    expect(listed.rooms.map((room) => room.jid)).not.toContain(chat("tombstone"));
  });

  test("an unknown room among others: the others are destroyed, exit 4 names it", async () => {
    await aliceCreates(chat("gone1"));
    const result = await admin(["muc", "destroy", "--yes", chat("gone1"), chat("neverwas")]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`OK: Destroyed ${chat("gone1")}`);
    expect(result.stderr).toContain(`There is no room ${chat("neverwas")}`);
    expect(await exists(chat("gone1"))).toBe(false);
  });

  test("a plain user is refused (exit 5) and the room stays", async () => {
    await aliceCreates(chat("bobdestroy"));
    expectCleanFailure(await asBob(["muc", "destroy", "--yes", chat("bobdestroy")]), 5);
    expect(await exists(chat("bobdestroy"))).toBe(true);
  });
});

describe("xmgr muc kick over XMPP", () => {
  test("where admins are owners: joins, kicks (status 307, actor and reason), leaves", async () => {
    await aliceCreates(owners("kickroom"));
    await bob.joinRoom(owners("kickroom"), "Bob");
    const aliceSince = alice.received.length;
    const kicked = bob.waitForKick(owners("kickroom"), "Bob");
    const result = await admin(["muc", "kick", owners("kickroom"), "Bob", "Calm down"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`OK: Kicked Bob from ${owners("kickroom")}`);
    const { statuses: codes, reason, stanza } = await kicked;
    expect(codes).toContain("307");
    expect(reason).toBe("Calm down");
    expect(mucUser(stanza)!.getChild("item")!.getChild("actor")!.attrs.nick).toBe("admin");
    // alice saw the admin come and go.
    await alice.waitFor((s) => s.name === "presence" && s.attrs.from === `${owners("kickroom")}/admin` && s.attrs.type === undefined, 20_000, aliceSince);
    await alice.waitFor((s) => s.name === "presence" && s.attrs.from === `${owners("kickroom")}/admin` && s.attrs.type === "unavailable", 20_000, aliceSince);
  });

  test("--json says it went over XMPP", async () => {
    await aliceCreates(owners("kickjson"));
    await carol.joinRoom(owners("kickjson"), "Carol");
    const kicked = carol.waitForKick(owners("kickjson"), "Carol");
    const result = await admin(["--json", "muc", "kick", "--nick", "Ops", owners("kickjson"), "Carol"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ room: owners("kickjson"), nick: "Carol", kicked: true, via: "xmpp" });
    expect(mucUser((await kicked).stanza)!.getChild("item")!.getChild("actor")!.attrs.nick).toBe("Ops");
  });

  test("--via xmpp goes over XMPP even with a muc_kick URL configured", async () => {
    await aliceCreates(owners("kickvia"));
    await carol.joinRoom(owners("kickvia"), "Carol");
    const kicked = carol.waitForKick(owners("kickvia"), "Carol");
    const result = await adminUser.run([...loginArgs(tb, "admin"), "muc", "kick", "--via", "xmpp", owners("kickvia"), "Carol", "via"], {
      XMGR_PASSWORD: PW.admin,
      XMGR_MUC_KICK_URL: "http://127.0.0.1:1/muc_kick",
    });
    expect(result.code).toBe(0);
    expect((await kicked).reason).toBe("via");
  });

  test("in xmgr shell: the kick joins and leaves on the shell's session, and the next command runs on it", async () => {
    await aliceCreates(owners("shellkick"), { public: true, name: "Shell Kick" });
    await carol.joinRoom(owners("shellkick"), "Carol");
    const kicked = carol.waitForKick(owners("shellkick"), "Carol");
    const result = await admin(["shell", "-c", `muc kick ${owners("shellkick")} Carol 'from the shell'; muc info ${owners("shellkick")}`]);
    expect(result.stderr).toContain(`OK: Kicked Carol from ${owners("shellkick")}`);
    expect(result.code).toBe(0);
    expect((await kicked).reason).toBe("from the shell");
    // alice alone is left: the admin left the room before the next command.
    expect(fieldValues(result.stdout).Occupants).toBe("1");
  });

  test("nobody with that nickname: exit 4", async () => {
    await aliceCreates(owners("kicknobody"));
    const result = await admin(["muc", "kick", owners("kicknobody"), "Nobody"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("Nobody");
  });

  test("on the stock component: refused before joining (exit 5), naming the setting and muc ban; the occupant sees nothing", async () => {
    await aliceCreates(chat("stockkick"));
    await bob.joinRoom(chat("stockkick"), "Bob");
    const since = bob.received.length;
    const result = await admin(["muc", "kick", chat("stockkick"), "Bob"]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain("component_admins_as_room_owners");
    expect(result.stderr).toContain("muc ban");
    expect(result.stderr).toContain("did not join");
    // A round trip to the room: a presence the admin's visit had caused would have reached bob before its answer.
    await bob.iq(xml("iq", { type: "get", to: chat("stockkick") }, xml("query", { xmlns: NS_DISCO_INFO })));
    expect(bob.received.slice(since).filter((s) => s.name === "presence" && String(s.attrs.from).startsWith(chat("stockkick")))).toEqual([]);
  });

  test("a plain user is refused (exit 5) and the occupant stays", async () => {
    await aliceCreates(owners("bobkick"));
    await carol.joinRoom(owners("bobkick"), "Carol");
    const since = carol.received.length;
    expectCleanFailure(await asBob(["muc", "kick", owners("bobkick"), "Carol"]), 5);
    await carol.iq(xml("iq", { type: "get", to: owners("bobkick") }, xml("query", { xmlns: NS_DISCO_INFO })));
    expect(carol.received.slice(since).some((s) => s.name === "presence" && s.attrs.type === "unavailable" && s.attrs.from === `${owners("bobkick")}/Carol`)).toBe(false);
  });
});

describe("xmgr muc create", () => {
  test("creates a persistent public room with a name; info shows that configuration; the admin owns it", async () => {
    const result = await admin(["muc", "create", owners("fresh"), "--persistent", "--public", "--name", "Fresh Room"]);
    expect(result.code).toBe(0);
    expect(fieldValues(result.stdout).Name).toBe("Fresh Room");
    expect(result.stderr).toContain(`OK: Created ${owners("fresh")}`);
    const info = JSON.parse((await admin(["--json", "muc", "info", owners("fresh")])).stdout);
    expect(info).toMatchObject({ name: "Fresh Room", persistent: true, public: true, membersOnly: false, occupants: 0 });
    const affiliations = JSON.parse((await admin(["--json", "muc", "affiliations", owners("fresh"), "owner"])).stdout);
    expect(affiliations.affiliations).toEqual([{ jid: `admin@${tb.host}`, affiliation: "owner" }]);
  });

  test("on the stock component, --members-only: the room stays after xmgr leaves, hidden and members-only", async () => {
    const result = await admin(["--json", "muc", "create", chat("staff"), "--persistent", "--members-only"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ room: chat("staff"), created: true, config: { persistent: true, membersOnly: true, public: false } });
    const info = JSON.parse((await admin(["--json", "muc", "info", chat("staff")])).stdout);
    expect(info).toMatchObject({ persistent: true, membersOnly: true, public: false });
  });

  test("an existing room: exit 1, nothing changes", async () => {
    await aliceCreates(chat("taken"), { name: "Taken" });
    const result = await admin(["muc", "create", chat("taken"), "--persistent", "--name", "Mine now"]);
    expectCleanFailure(result, 1);
    expect(result.stderr).toContain("already exists");
    expect(JSON.parse((await admin(["--json", "muc", "info", chat("taken")])).stdout).name).toBe("Taken");
  });

  test("without --persistent: exit 2 before anything is created", async () => {
    const result = await admin(["muc", "create", chat("fleeting")]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain("--persistent");
    expect(await exists(chat("fleeting"))).toBe(false);
  });
});

test("bad input is refused (exit 2) before anything is sent, for each command", async () => {
  const cases: string[][] = [
    // (A room without "@" is not bad input: it is a room of the MUC service disco finds, test/e2e/first-hour.test.ts.)
    ["muc", "info", `@${tb.mucHost}`],
    ["muc", "ban", chat("lounge"), "bad@@jid"],
    ["muc", "unban", `${chat("lounge")}/Nick`, `bob@${tb.host}`],
    ["muc", "destroy", "--yes", "--alternate", "nope", chat("lounge")],
    ["muc", "create", "--persistent", "--name", "bell\u0007", chat("bell")],
    ["muc", "create", "--persistent", "x y@chat.example.test"],
    ["muc", "kick", "--via", "smtp", chat("lounge"), "Bob"],
    ["muc", "list", "bad host"],
  ];
  for (const args of cases) {
    // No server at all: a refusal that needed one would be a connection failure (6), not 2.
    const result = await adminUser.run(["--jid", `admin@${tb.host}`, "--server", "127.0.0.1:1", ...args], { XMGR_PASSWORD: PW.admin });
    expectCleanFailure(result, 2);
  }
  // An affiliation outside the list is refused by the argument parser, also with exit 2. (muc affiliations takes
  // any word since issue 23: an affiliation, or else a part of the JIDs, as prosodyctl shell muc:affiliations.)
  for (const args of [["muc", "affiliation", chat("lounge"), `bob@${tb.host}`, "king"]]) {
    const result = await adminUser.run(["--jid", `admin@${tb.host}`, "--server", "127.0.0.1:1", ...args], { XMGR_PASSWORD: PW.admin });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("king");
  }
  expect(await exists(chat("lounge"))).toBe(true);
});

describe("on a terminal", () => {
  test("muc destroy asks to type the room; typed, the room is destroyed", async () => {
    await aliceCreates(chat("typed"));
    const since = alice.received.length;
    const term = new TmuxTerminal(adminUser.home, adminUser.env);
    try {
      await term.start([...loginArgs(tb, "admin"), "muc", "destroy", chat("typed")], { XMGR_PASSWORD: PW.admin });
      await term.contains(`Type ${chat("typed")} to confirm: `);
      expect(await exists(chat("typed"))).toBe(true);
      await term.type(chat("typed"));
      await term.keys("Enter");
      const screen = await term.contains("[exit 0]");
      expect(screen).toContain(`OK: Destroyed ${chat("typed")}`);
    } finally {
      await term.kill();
    }
    expect(mucUser(await removedFrom(alice, chat("typed"), "Alice", since))!.getChild("destroy")).toBeDefined();
  });

  test("the last-owner guard asks; no is no: exit 2 and the owner stays", async () => {
    await aliceCreates(owners("asked"));
    const term = new TmuxTerminal(adminUser.home, adminUser.env);
    try {
      await term.start([...loginArgs(tb, "admin"), "muc", "affiliation", owners("asked"), `alice@${tb.host}`, "none"], { XMGR_PASSWORD: PW.admin });
      await term.contains("Go on? [y/N] ");
      await term.type("n");
      await term.keys("Enter");
      const screen = await term.contains("[exit 2]");
      expect(screen).toContain("Cancelled: nothing was changed.");
    } finally {
      await term.kill();
    }
    expect(await listAs(adminPeer, owners("asked"), "owner")).toEqual([`alice@${tb.host}`]);
  });
});
