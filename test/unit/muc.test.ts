/**
 * src/protocol/muc.ts against what a real Prosody 13.0.1 sent and answered (transcripts 30–39 of
 * shared/protocol/admin, both variants): the requests xmgr builds are the ones the server took,
 * and every answer reads as the facts page describes it.
 */
import { describe, expect, test } from "@jest/globals";
import type { Element } from "@xmpp/xml";
import { parseCommandAnswer, NS_COMMANDS } from "../../src/protocol/adhoc.js";
import {
  affiliationListRequest,
  affiliationSetRequest,
  configRequest,
  configSubmit,
  destroyedRooms,
  destroyFormRooms,
  discoInfoRequest,
  discoItemsRequest,
  isMucService,
  joinPresence,
  kickRequest,
  leavePresence,
  NS_MUC,
  NS_MUC_OWNER,
  ownerDestroyRequest,
  parseAffiliationList,
  parseDiscoInfo,
  parseDiscoItems,
  parseRoomConfig,
  readOccupantPresence,
  roomInfo,
  roomOf,
  takesLastOwner,
} from "../../src/protocol/muc.js";
import { canonical, exchanges, mucTranscripts } from "../support/admin-transcripts.js";

const all = [...exchanges(), ...exchanges(mucTranscripts)];
const stanza = (file: string, id: string, direction: "SEND" | "RECV" = "RECV"): Element => {
  const found = all.find((exchange) => exchange.file === file && exchange.stanza.attrs.id === id && exchange.direction === direction);
  if (!found) throw new Error(`no ${direction} ${id} in ${file}`);
  return found.stanza;
};
/** The n-th stanza a participant received in a file that matches. */
const received = (file: string, who: string, match: (element: Element) => boolean): Element => {
  const found = all.find((exchange) => exchange.file === file && exchange.who === who && exchange.direction === "RECV" && match(exchange.stanza));
  if (!found) throw new Error(`nothing matching for ${who} in ${file}`);
  return found.stanza;
};
/** A request as sent, without the id the session adds. */
const sent = (file: string, id: string) => canonical(stanza(file, id, "SEND"), ["id"]);
const built = (element: Element) => canonical(element, ["id"]);

describe("the admin's muc#admin affiliation set, as ejabberd 24.12 took it (facts: transcript 21-muc-admin-kick-ban of the ejabberd notes)", () => {
  test("a ban: the bare JID, affiliation outcast and the reason", () => {
    // The transcript's line (its id left out), which ejabberd answered with the occupant's 301.
    const sent =
      '<iq type="set" to="lobby2@chat.example.test"><query xmlns="http://jabber.org/protocol/muc#admin"><item jid="kim@example.test" affiliation="outcast"><reason>banned by server admin</reason></item></query></iq>';
    expect(affiliationSetRequest("lobby2@chat.example.test", "kim@example.test", "outcast", "banned by server admin").toString()).toBe(sent);
    expect(affiliationSetRequest("lobby2@chat.example.test", "kim@example.test", "none").toString()).not.toContain("<reason");
  });
});

describe("requests are the ones Prosody answered", () => {
  test("disco#items and disco#info of a service and a room", () => {
    expect(built(discoItemsRequest("chat.example.test"))).toEqual(sent("31-muc-admin-disco.xml", "si1"));
    expect(built(discoInfoRequest("public1@chat.example.test"))).toEqual(sent("31-muc-admin-disco.xml", "ri-public1"));
  });

  test("affiliation lists, for each affiliation", () => {
    for (const affiliation of ["member", "admin", "owner", "outcast"] as const) {
      expect(built(affiliationListRequest("public1@chat.example.test", affiliation))).toEqual(sent("33-muc-admin-affiliations.xml", `aff-${affiliation}`));
    }
  });

  test("a kick with and without a reason", () => {
    expect(built(kickRequest("public1@chat.example.test", "Bob", "Kicked by the server admin"))).toEqual(sent("32-muc-admin-kick.xml", "kick1"));
    expect(built(kickRequest("public1@chat.example.test", "Nobody"))).toEqual(sent("32-muc-admin-kick.xml", "kick2"));
  });

  test("the owner's destroy with alternate and reason, and bare", () => {
    expect(built(ownerDestroyRequest("public2@chat.example.test", { alternate: "public1@chat.example.test", reason: "Closed by the server admin" }))).toEqual(
      sent("34-muc-admin-destroy-admins-as-owners.xml", "destroy1"),
    );
    expect(built(ownerDestroyRequest("nosuchroom@chat.example.test"))).toEqual(sent("34-muc-admin-destroy.xml", "destroy2"));
  });

  test("the configuration request, and a submit carrying only the settings given", () => {
    expect(built(configRequest("hidden1@chat.example.test"))).toEqual(sent("30-muc-setup.xml", "cfg1"));
    const submit = configSubmit("adminroom@chat.example.test", { persistent: true, name: "Admin Room" });
    const valuesOf = (iq: Element) =>
      Object.fromEntries(iq.getChild("query", NS_MUC_OWNER)!.getChild("x", "jabber:x:data")!.getChildren("field").map((field) => [field.attrs.var, field.getChildren("value").map((value) => value.text())]));
    expect(submit.attrs).toEqual({ type: "set", to: "adminroom@chat.example.test" });
    expect(valuesOf(submit)).toEqual(valuesOf(stanza("35-muc-admin-create.xml", "c3", "SEND")));
    expect(valuesOf(configSubmit("r@chat.example.test", { public: false, membersOnly: true }))).toEqual({
      FORM_TYPE: ["http://jabber.org/protocol/muc#roomconfig"],
      "muc#roomconfig_publicroom": ["0"],
      "muc#roomconfig_membersonly": ["1"],
    });
  });

  test("join asks for no history; leave is an unavailable presence to the same occupant JID", () => {
    const join = joinPresence("adminroom@chat.example.test", "Admin");
    expect(join.attrs.to).toBe("adminroom@chat.example.test/Admin");
    expect(join.getChild("x", NS_MUC)!.getChild("history")!.attrs.maxstanzas).toBe("0");
    const transcriptLeave = all.find((exchange) => exchange.file === "35-muc-admin-create.xml" && exchange.direction === "SEND" && exchange.stanza.name === "presence" && exchange.stanza.attrs.type === "unavailable")!;
    expect(canonical(leavePresence("adminroom@chat.example.test", "Admin"))).toEqual(canonical(transcriptLeave.stanza));
  });
});

describe("answers read as the facts page says", () => {
  test("the service lists its public rooms only", () => {
    expect(parseDiscoItems(stanza("31-muc-admin-disco.xml", "si1"))).toEqual([{ jid: "public1@chat.example.test", name: "Public One" }]);
  });

  test("a MUC service says so in disco#info; the server host does not", () => {
    expect(isMucService(parseDiscoInfo(stanza("31-muc-admin-disco.xml", "si2")))).toBe(true);
    const hostInfo = received("20-server-info-admin.xml", "admin", (element) => element.attrs.from === "example.test" && element.getChild("query", "http://jabber.org/protocol/disco#info") !== undefined);
    expect(isMucService(parseDiscoInfo(hostInfo))).toBe(false);
  });

  test("a room's disco#info: name, occupants, public or hidden, the muc_* settings", () => {
    const info = roomInfo(parseDiscoInfo(stanza("31-muc-admin-disco.xml", "ri-public1")));
    expect(info).toEqual({
      name: "Public One",
      occupants: 2,
      language: "en",
      public: true,
      persistent: false,
      membersOnly: false,
      moderated: false,
      passwordProtected: false,
      anonymity: "semi",
      features: expect.arrayContaining(["muc_public", "muc_temporary", "muc_open"]),
    });
    expect(roomInfo(parseDiscoInfo(stanza("31-muc-admin-disco.xml", "ri-hidden1")))).toMatchObject({ name: "Hidden One", occupants: 1, public: false });
  });

  test("affiliation lists, with the reason of a ban", () => {
    expect(parseAffiliationList(stanza("33-muc-admin-affiliations-admins-as-owners.xml", "aff-owner"))).toEqual([{ jid: "alice@example.test", affiliation: "owner" }]);
    expect(parseAffiliationList(stanza("33-muc-admin-affiliations-admins-as-owners.xml", "aff-a"))).toEqual([
      { jid: "carol@example.test", affiliation: "outcast", reason: "Banned by the server admin" },
    ]);
    expect(parseAffiliationList(stanza("33-muc-admin-affiliations-admins-as-owners.xml", "aff-member"))).toEqual([]);
  });

  test("the configuration form an owner reads", () => {
    expect(parseRoomConfig(stanza("30-muc-setup.xml", "cfg1"))).toEqual({
      name: "",
      description: "",
      persistent: false,
      public: false,
      membersOnly: false,
      moderated: false,
      passwordProtected: false,
      whois: "moderators",
    });
    expect(parseRoomConfig(stanza("33-muc-admin-affiliations-admins-as-owners.xml", "cfg3"))).toMatchObject({ name: "Public One", public: true });
    expect(parseRoomConfig(stanza("35-muc-admin-create.xml", "c2"))).toBeUndefined();
  });

  test("occupant presences: a created room, a kick, a ban, a destroy, a refused join", () => {
    const created = received("35-muc-admin-create.xml", "admin", (element) => element.name === "presence" && element.attrs.type === undefined);
    expect(readOccupantPresence(created)).toEqual({ from: "adminroom@chat.example.test/Admin", role: "moderator", affiliation: "owner", statuses: ["201", "110"] });

    const joinedStock = received("39-muc-kick-reference.xml", "admin", (element) => element.name === "presence" && element.attrs.from === "kickroom@chat.example.test/Admin");
    expect(readOccupantPresence(joinedStock)).toMatchObject({ role: "participant", affiliation: "none", statuses: ["110"] });

    const kicked = received("39-muc-kick-reference-admins-as-owners.xml", "bob", (element) => element.attrs.type === "unavailable");
    expect(readOccupantPresence(kicked)).toMatchObject({ type: "unavailable", role: "none", statuses: ["307", "110"] });

    const banned = received("37-muc-adhoc-set-affiliation.xml", "bob", (element) => element.attrs.type === "unavailable");
    expect(readOccupantPresence(banned)).toMatchObject({ affiliation: "outcast", statuses: ["301", "110"] });

    const destroyed = received("34-muc-admin-destroy-admins-as-owners.xml", "alice", (element) => element.attrs.type === "unavailable");
    expect(readOccupantPresence(destroyed)!.destroy).toEqual({ jid: "public1@chat.example.test", reason: "Closed by the server admin" });
    const destroyedBare = received("38-muc-adhoc-destroy.xml", "alice", (element) => element.attrs.type === "unavailable");
    expect(readOccupantPresence(destroyedBare)!.destroy).toEqual({});

    const refused = received("37-muc-adhoc-set-affiliation.xml", "bob", (element) => element.attrs.type === "error");
    expect(readOccupantPresence(refused)).toEqual({ from: "public1@chat.example.test/Bob", type: "error", statuses: [], error: "forbidden" });
    expect(roomOf("Public1@chat.example.test/Bob")).toBe("public1@chat.example.test");
  });

  test("the muc#destroy form lists every room, hidden ones too; its note names the rooms destroyed", () => {
    const form = parseCommandAnswer(stanza("38-muc-adhoc-destroy.xml", "c7")).form;
    expect(destroyFormRooms(form)).toEqual(["adminroom@chat.example.test", "hidden1@chat.example.test", "public1@chat.example.test", "public2@chat.example.test"]);
    const note = (id: string) => parseCommandAnswer(stanza("38-muc-adhoc-destroy.xml", id)).notes[0].text;
    expect(destroyedRooms(note("c8"))).toEqual(["hidden1@chat.example.test"]);
    // nosuchroom was asked for too, and left out silently.
    expect(stanza("38-muc-adhoc-destroy.xml", "c9", "SEND").getChild("command", NS_COMMANDS)!.toString()).toContain("nosuchroom");
    expect(destroyedRooms(note("c9"))).toEqual(["adminroom@chat.example.test"]);
    expect(destroyedRooms("Nothing")).toEqual([]);
  });
});

describe("takesLastOwner", () => {
  test("only when the JID is every owner and the new affiliation is not owner", () => {
    expect(takesLastOwner(["alice@example.test"], "alice@example.test", "none")).toBe(true);
    expect(takesLastOwner(["alice@example.test"], "Alice@Example.test", "outcast")).toBe(true);
    expect(takesLastOwner(["alice@example.test"], "alice@example.test", "owner")).toBe(false);
    expect(takesLastOwner(["alice@example.test", "carol@example.test"], "alice@example.test", "member")).toBe(false);
    expect(takesLastOwner(["alice@example.test"], "bob@example.test", "none")).toBe(false);
    expect(takesLastOwner([], "bob@example.test", "none")).toBe(false);
  });
});
