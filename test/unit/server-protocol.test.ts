/**
 * The pure protocol code of issue 15 against what a real Prosody 13.0.1 sent (the admin
 * transcripts): XEP-0092 version, XEP-0012 uptime, disco#info/#items with XEP-0157, XEP-0199
 * ping, mod_admin_adhoc's module notes, s2s#list, announce's count; plus readable durations and
 * the MODULE… [HOST] words.
 */
import { describe, expect, test } from "@jest/globals";
import type { Element } from "@xmpp/xml";
import xml from "@xmpp/xml";
import { ExitCode, XmgrError } from "../../src/errors.js";
import { parseCommandAnswer } from "../../src/protocol/adhoc.js";
import { discoInfoRequest, discoItemsRequest, parseDiscoInfo, parseDiscoItems } from "../../src/protocol/disco.js";
import { lastActivityRequest, parseUptimeSeconds } from "../../src/protocol/last-activity.js";
import { globalModuleOutcome, hostModulesOutcome, loadOutcome } from "../../src/protocol/module-outcome.js";
import { parsePingAnswer, pingRequest } from "../../src/protocol/ping.js";
import { PROSODY } from "../../src/protocol/dialects/prosody.js";
import { EJABBERD } from "../../src/protocol/dialects/ejabberd.js";
import { parseS2sList } from "../../src/protocol/s2s-list.js";
import { announcedTo } from "../../src/protocol/announce.js";
import { parseVersion, versionRequest } from "../../src/protocol/version.js";
import { readableDuration, utcText } from "../../src/output/duration.js";
import { moduleTarget } from "../../src/commands/module/module-words.js";
import { canonical, exchanges } from "../support/admin-transcripts.js";

const all = exchanges();
/** A stanza of a transcript by its id (the admin's side unless `who` says otherwise). */
const find = (file: string, id: string, direction: "SEND" | "RECV" = "RECV", who = "admin"): Element =>
  all.find((exchange) => exchange.file === file && exchange.stanza.attrs.id === id && exchange.direction === direction && exchange.who === who)!.stanza;
/** The info note of a command answer in a transcript. */
const noteOf = (file: string, id: string) => parseCommandAnswer(find(file, id)).notes[0].text;

function failure(run: () => unknown): XmgrError {
  try {
    run();
  } catch (error) {
    if (error instanceof XmgrError) return error;
    throw error;
  }
  throw new Error("expected an XmgrError");
}

/** A request as the transcript shows it: without the id the session adds. */
const withoutId = (element: Element) => canonical(element, ["id"]);

describe("XEP-0092 version", () => {
  test("the request is the one the transcript sent", () => {
    expect(withoutId(versionRequest("example.test"))).toEqual(withoutId(find("20-server-info-admin.xml", "v1", "SEND")));
  });
  test("Prosody's answer: name, version, OS", () => {
    expect(parseVersion(find("20-server-info-admin.xml", "v1"), "example.test")).toEqual({ name: "Prosody", version: "13.0.1", os: "Linux" });
  });
  test("a client that does not answer version requests: refused (exit 5), saying what to load", () => {
    const error = failure(() => parseVersion(find("20-server-info-admin.xml", "v2"), "alice@example.test/pingme"));
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(error.message).toContain("does not answer version requests");
  });
  test("no OS element: none in the result", () => {
    const answer = xml("iq", { type: "result" }, xml("query", { xmlns: "jabber:iq:version" }, xml("name", {}, "X"), xml("version", {}, "1")));
    expect(parseVersion(answer, "h")).toEqual({ name: "X", version: "1" });
  });
});

describe("XEP-0012 uptime", () => {
  test("request and the seconds of Prosody's answer", () => {
    expect(withoutId(lastActivityRequest("example.test"))).toEqual(withoutId(find("20-server-info-admin.xml", "l1", "SEND")));
    expect(parseUptimeSeconds(find("20-server-info-admin.xml", "l1"), "example.test")).toBe(18);
  });
  test("an answer without a number of seconds is a failure, not 0", () => {
    const answer = xml("iq", { type: "result" }, xml("query", { xmlns: "jabber:iq:last", seconds: "soon" }));
    expect(failure(() => parseUptimeSeconds(answer, "h")).exitCode).toBe(ExitCode.failure);
  });
  test("forbidden (a bare JID without subscription): refused", () => {
    expect(failure(() => parseUptimeSeconds(find("20-server-info-admin.xml", "l2"), "alice@example.test")).exitCode).toBe(ExitCode.refused);
  });
});

describe("disco", () => {
  test("requests match the transcript's", () => {
    expect(withoutId(discoInfoRequest("example.test"))).toEqual(withoutId(find("20-server-info-admin.xml", "d1", "SEND")));
    expect(withoutId(discoItemsRequest("example.test"))).toEqual(withoutId(find("20-server-info-admin.xml", "d2", "SEND")));
  });
  test("the host's identity and features; no contacts by default", () => {
    const info = parseDiscoInfo(find("20-server-info-admin.xml", "d1"), "example.test");
    expect(info.identities).toEqual([{ category: "server", type: "im", name: "Prosody" }]);
    expect(info.features).toEqual(expect.arrayContaining(["urn:xmpp:ping", "jabber:iq:version", "jabber:iq:last", "http://jabber.org/protocol/commands"]));
    expect(info.contacts).toEqual({});
  });
  test("with mod_server_contact_info: the XEP-0157 admin addresses", () => {
    expect(parseDiscoInfo(find("12-modules.xml", "diulnq"), "example.test").contacts).toEqual({ "admin-addresses": ["xmpp:admin@example.test"] });
  });
  test("items: the MUC component", () => {
    expect(parseDiscoItems(find("20-server-info-admin.xml", "d2"), "example.test")).toEqual([{ jid: "chat.example.test" }]);
  });
  test("a deactivated component (not-allowed): not found, exit 4", () => {
    expect(failure(() => parseDiscoInfo(find("16-hosts.xml", "md1"), "chat.example.test")).exitCode).toBe(ExitCode.notFound);
  });
});

describe("XEP-0199 ping", () => {
  test("request, and the answers of the host, a bound full JID, and a resource without its ~suffix", () => {
    expect(withoutId(pingRequest("example.test"))).toEqual(withoutId(find("20-server-info-admin.xml", "p1", "SEND")));
    expect(parsePingAnswer(find("20-server-info-admin.xml", "p1"), "example.test")).toEqual({ ok: true, from: "example.test" });
    expect(parsePingAnswer(find("20-server-info-admin.xml", "p2"), "x").ok).toBe(true);
    expect(parsePingAnswer(find("20-server-info-admin.xml", "p4"), "alice@example.test/pingme")).toEqual({
      ok: false,
      from: "alice@example.test/pingme",
      error: { condition: "service-unavailable" },
    });
  });
  test("Prosody's bound resources carry a ~, ejabberd's a .", () => {
    expect(PROSODY.hints.boundResource?.("pingme")).toBe(false);
    expect(PROSODY.hints.boundResource?.("pingme~muqy5NJzwNvP")).toBe(true);
    expect(EJABBERD.hints.boundResource?.("pingme.1837262917362")).toBe(true);
  });
});

describe("module notes of mod_admin_adhoc (transcript 12)", () => {
  test("reload of two modules: both done", () => {
    expect(hostModulesOutcome(noteOf("12-modules.xml", "c79"), "example.test", ["version", "time"])).toEqual([
      { module: "version", host: "example.test", outcome: "done" },
      { module: "time", host: "example.test", outcome: "done" },
    ]);
  });
  test("reload and unload of a module that is not loaded: not-loaded", () => {
    for (const id of ["c81", "c85"]) {
      expect(hostModulesOutcome(noteOf("12-modules.xml", id), "example.test", ["no_such_module_xyz"])).toEqual([
        { module: "no_such_module_xyz", host: "example.test", outcome: "not-loaded", error: "module-not-loaded" },
      ]);
    }
  });
  test("one done and one not loaded in the same note", () => {
    const note = "The following modules were successfully unloaded on host h:\ntime\nFailed to unload the following modules on host h:\nnope(Error: module-not-loaded)";
    expect(hostModulesOutcome(note, "h", ["time", "nope"]).map((outcome) => outcome.outcome)).toEqual(["done", "not-loaded"]);
  });
  test("load: done, already loaded", () => {
    expect(loadOutcome(noteOf("12-modules.xml", "c77"), "time", "example.test").outcome).toBe("done");
    expect(loadOutcome(noteOf("12-modules.xml", "c75"), "server_contact_info", "example.test").outcome).toBe("already-loaded");
  });
  test("global variants: per host, not loaded anywhere, failed with the server's reason", () => {
    expect(globalModuleOutcome(noteOf("12-modules.xml", "c87"), "time")).toEqual([{ module: "time", host: "example.test", outcome: "done" }]);
    expect(globalModuleOutcome(noteOf("12-modules.xml", "c89"), "time")).toEqual([{ module: "time", host: "example.test", outcome: "done" }]);
    expect(globalModuleOutcome(noteOf("12-modules.xml", "c90"), "no_such_module_xyz")).toEqual([
      { module: "no_such_module_xyz", host: "*", outcome: "not-loaded", error: "module-not-loaded" },
    ]);
    const [failed] = globalModuleOutcome(noteOf("12-modules.xml", "c92"), "no_such_module_xyz");
    expect(failed).toMatchObject({ host: "example.test", outcome: "failed" });
    expect(failed.error).toMatch(/No such file or directory$/);
  });
});

describe("s2s#list", () => {
  test("s2s off: no connections, 0 and 0 (transcript 11)", () => {
    expect(parseS2sList(parseCommandAnswer(find("11-no-form-commands.xml", "c66")).form)).toEqual({ connections: [], incoming: 0, outgoing: 0 });
  });
  test("session lines as mod_admin_adhoc writes them", () => {
    const form = {
      type: "result" as const,
      instructions: [],
      reported: [],
      items: [],
      payloads: [],
      fields: [
        { var: "sessions", type: "text-multi" as const, required: false, options: [], values: [" -> remote.example [s2sout55a0] (authenticated, encrypted)", " <- other.example [s2sin77b1] ()"] },
        { var: "num_in", type: "text-single" as const, required: false, options: [], values: ["1"] },
        { var: "num_out", type: "text-single" as const, required: false, options: [], values: ["1"] },
      ],
    };
    expect(parseS2sList(form)).toEqual({
      connections: [
        { direction: "out", remote: "remote.example", id: "s2sout55a0", flags: ["authenticated", "encrypted"] },
        { direction: "in", remote: "other.example", id: "s2sin77b1", flags: [] },
      ],
      incoming: 1,
      outgoing: 1,
    });
  });
});

test("announce: the number of online users the note names", () => {
  expect(announcedTo(noteOf("10-announce.xml", "c62"))).toBe(2);
  expect(announcedTo("Announcement sent to 1 online user")).toBe(1);
  expect(announcedTo("Done")).toBeUndefined();
});

test("readable durations: the two largest units", () => {
  expect(readableDuration(18)).toBe("18 seconds");
  expect(readableDuration(61)).toBe("1 minute, 1 second");
  expect(readableDuration(3 * 86400 + 4 * 3600 + 59)).toBe("3 days, 4 hours");
  expect(readableDuration(0)).toBe("0 seconds");
  expect(utcText(new Date("2026-11-30T19:16:11.500Z"))).toBe("2026-11-30 19:16:11 UTC");
});

describe("MODULE… [HOST] words", () => {
  test("a last word with a dot is the host", () => {
    expect(moduleTarget(["version", "time", "example.com"], {})).toEqual({ modules: ["version", "time"], host: "example.com" });
    expect(moduleTarget(["time"], {})).toEqual({ modules: ["time"], host: undefined });
    expect(moduleTarget(["mod_time"], { host: "localhost" })).toEqual({ modules: ["time"], host: "localhost" });
  });
  test("usage errors: a bad name, only a host, a host with --global", () => {
    expect(failure(() => moduleTarget(["ti me"], {})).exitCode).toBe(ExitCode.usage);
    expect(failure(() => moduleTarget(["example.com"], {})).exitCode).toBe(ExitCode.usage);
    expect(failure(() => moduleTarget(["time", "example.com"], { global: true })).exitCode).toBe(ExitCode.usage);
  });
});
