/**
 * Bad input (issue 6), with fast-check:
 * - JIDs, selectors, nicknames and reasons (unicode, right-to-left text, control characters,
 *   characters XML cannot carry, very long strings, a room JID with a resource) given to the built
 *   bin/xmgr are either sent exactly as typed, as seen by a recording server (XMPP: the IQ's `to`
 *   or revoke `id`; HTTP: the JSON body), or refused with "! Invalid …" and exit 2 before anything
 *   is sent;
 * - the same rules hold for the checks themselves, over many more strings (in-process);
 * - the <clients/> parser, fed random element trees and mutated real transcripts, returns
 *   well-formed clients or throws an XmgrError, nothing else, and what it returns renders safely.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import http from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import parse from "ltx/lib/parse.js";
import xml, { type Element } from "@xmpp/xml";
import { XmgrError } from "../../src/errors.js";
import { parseBareJid, parseJid } from "../../src/jid.js";
import { checkNickname, checkReason } from "../../src/commands/muc/kick.js";
import { checkSelector } from "../../src/commands/user/revoke-client.js";
import { clientColumns } from "../../src/commands/user/clients.js";
import { kickBody } from "../../src/protocol/muc-kick.js";
import { NS_MANAGE_CLIENTS, parseClients, readStanzaError, revokeRequest } from "../../src/protocol/manage-clients.js";
import { renderTable } from "../../src/output/table.js";
import { Chalk } from "chalk";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { makeCertificate, scriptedLoginArgs, scriptedXmppServer, SCRIPTED_ADMIN, type Certificate, type ScriptedServer } from "../support/hostile.js";
import { repoRoot, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";

/** Characters and pieces that break naive code: bidi controls, RTL scripts, escapes, XML specials, combining marks, non-characters. */
const PIECES = [
  "\u202e", "\u202d", "\u2066", "\u200f", "\u061c", "مرحبا", "שלום", "\u001b[31m", "\u001b]0;pwned\u0007", "\u0007", "\u0008", "\u007f", "\u009b",
  "\t", "\n", "\r", " ", "\u00a0", "\u2028", "/", "@", ":", "<", ">", "&", "'", '"', "\\", "%", "e\u0301", "😀", "👩‍👩‍👧", "ß", "İ", "Ω",
  "\ufffe", "\uffff", "\ud800", "\udfff", "{", "}", "$(id)", "x".repeat(300),
];
const piece = fc.constantFrom(...PIECES);
/** Any text: random code points, nasty pieces glued together, plain words, or very long runs. */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.array(fc.oneof(piece, fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 8 }).map((parts) => parts.join("")),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
  fc.string({ unit: fc.constantFrom("a", "ü", "ש", "😀"), minLength: 1000, maxLength: 5000 }),
);
/** What can be passed as a command-line argument: no NUL, well-formed UTF-16 (else argv changes it). */
const argText = anyText.filter((text) => !text.includes("\u0000") && (text as unknown as { isWellFormed(): boolean }).isWellFormed());
const word = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-".split("")), minLength: 1, maxLength: 12 });
/** JID-like strings: parts from anyText or plain words, with an optional resource. */
const jidText = (text: fc.Arbitrary<string>) =>
  fc.tuple(fc.oneof(word, text), fc.oneof(word.map((w) => `${w}.example`), text), fc.option(fc.oneof(word, text), { nil: undefined })).map(
    ([local, domain, resource]) => `${local}@${domain}${resource === undefined ? "" : `/${resource}`}`,
  );

/** Runs of each property that starts bin/xmgr (~0.15 s each); XMGR_FC_RUNS raises it for a longer hunt. */
const E2E_RUNS = Number(process.env.XMGR_FC_RUNS ?? 20);

const UNSAFE_ON_TERMINAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function refusedAsUsage(fn: () => unknown): XmgrError | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(XmgrError);
    expect((error as XmgrError).exitCode).toBe(2);
    return error as XmgrError;
  }
}

describe("the checks, in-process (many strings)", () => {
  test("a JID is accepted as typed (domain lower-cased) or refused with exit 2; accepted JIDs carry only XML characters and no controls", () => {
    fc.assert(
      fc.property(jidText(anyText), (text) => {
        const refused = refusedAsUsage(() => parseJid(text));
        if (refused) return expect(refused.message).toMatch(/^Invalid JID /);
        const jid = parseJid(text);
        const slash = text.indexOf("/");
        const bareText = slash === -1 ? text : text.slice(0, slash);
        expect(`${jid.local}@${jid.domain}`).toBe(bareText.slice(0, bareText.lastIndexOf("@") + 1) + bareText.slice(bareText.lastIndexOf("@") + 1).toLowerCase());
        expect(`${jid.local}@${jid.domain}`).not.toMatch(/[\p{Cc}\s\ufffe\uffff]|[\ud800-\udfff]/u);
      }),
      { numRuns: 2000 },
    );
  });

  test("a bare JID (room, account) with a resource is always refused", () => {
    fc.assert(fc.property(jidText(anyText).filter((text) => text.includes("/")), (text) => void expect(refusedAsUsage(() => parseBareJid(text, "room JID"))).toBeDefined()), { numRuns: 500 });
    expect(refusedAsUsage(() => parseBareJid("room@chat.example.test/Bob", "room JID"))?.message).toMatch(/without "\/resource"/);
  });

  test("selectors, nicknames and reasons are accepted unchanged or refused with exit 2", () => {
    const selector = fc.oneof(fc.constantFrom("client/", "grant/", "software/", "software/x/", ""), fc.constant("")).chain((prefix) => anyText.map((text) => prefix + text));
    fc.assert(
      fc.property(selector, anyText, anyText, (sel, nick, reason) => {
        for (const [check, value] of [[checkSelector, sel], [checkNickname, nick], [checkReason, reason]] as const) {
          if (refusedAsUsage(() => check(value))) continue;
          expect(check(value)).toBe(value === "" && check === checkReason ? undefined : value);
          expect(value).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]|[\ud800-\udfff]/u);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test("what is accepted survives the wire: the revoke IQ's id and the kick's JSON read back as typed", () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, (sel, nick, reason) => {
        const selector = `client/${sel}`;
        if (!refusedAsUsage(() => checkSelector(selector))) {
          const reread = parse(revokeRequest(selector, "alice@example.test").toString());
          expect(reread.getChild("revoke", NS_MANAGE_CLIENTS)?.attrs.id).toBe(selector);
        }
        if (!refusedAsUsage(() => checkNickname(nick)) && !refusedAsUsage(() => checkReason(reason))) {
          const request = { nickname: nick, muc: "room@chat.example.test", reason: checkReason(reason) };
          expect(JSON.parse(kickBody(request))).toEqual(request.reason ? request : { nickname: nick, muc: request.muc });
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the <clients/> parser never throws anything but an XmgrError", () => {
  const NAMES = ["clients", "client", "auth", "password", "bearer-token", "grant", "fast", "user-agent", "software", "device", "uri", "first-seen",
    "last-seen", "error", "text", "constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "x"];
  const ATTRS = ["id", "type", "connected", "version", "xmlns", "constructor", "__proto__"];
  const attrValue = fc.oneof(fc.constantFrom(NS_MANAGE_CLIENTS, "true", "false", "client/x", "2026-11-22T09:56:21Z", "", "NaN", "+275760-09-13T00:00:00.001Z"), anyText);
  const tree: fc.Arbitrary<Element> = fc.letrec<{ node: Element }>((tie) => ({
    node: fc
      .tuple(
        fc.constantFrom(...NAMES),
        fc.dictionary(fc.constantFrom(...ATTRS), attrValue, { maxKeys: 4 }),
        fc.array(fc.oneof({ depthSize: "small", withCrossShrink: true }, anyText, tie("node")), { maxLength: 5 }),
      )
      .map(([name, attrs, children]) => xml(name, attrs, ...children)),
  })).node;
  const fixtures = ["list-self-mixed.xml", "list-self-single.xml", "list-other-user-as-admin.xml", "revoke-results.xml"].map((name) =>
    readFileSync(join(repoRoot, "test", "fixtures", "transcripts", name), "utf8").replace(/<!--[\s\S]*?-->/g, "").trim(),
  );

  /** parseClients and readStanzaError on `iq`: an XmgrError or well-formed clients that render without terminal controls. */
  function checkParser(iq: Element): void {
    try {
      readStanzaError(iq);
      const clients = parseClients(iq);
      for (const client of clients) {
        expect(typeof client.id).toBe("string");
        expect(client.id).not.toBe("");
        expect(typeof client.connected).toBe("boolean");
        for (const kind of client.auth) expect(["password", "grant", "fast"]).toContain(kind);
        for (const time of [client.firstSeen, client.lastSeen]) if (time !== undefined) expect(time).toMatch(/^[-+\d]{4,7}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      }
      JSON.parse(JSON.stringify(clients));
      expect(renderTable(clientColumns(), clients, new Chalk({ level: 0 }))).not.toMatch(UNSAFE_ON_TERMINAL);
    } catch (error) {
      if (!(error instanceof XmgrError)) throw error;
    }
  }

  test("random element trees (names that are also Object.prototype properties included)", () => {
    fc.assert(
      fc.property(tree, fc.boolean(), (element, wrap) => {
        checkParser(wrap ? xml("iq", { type: "result" }, xml("clients", { xmlns: NS_MANAGE_CLIENTS }, element)) : xml("iq", { type: "result" }, element));
      }),
      { numRuns: 3000 },
    );
  });

  test("real transcripts with random cuts, copies and insertions", () => {
    const mutation = fc.oneof(
      fc.tuple(fc.constant("delete" as const), fc.nat(), fc.nat({ max: 200 }), fc.constant("")),
      fc.tuple(fc.constant("insert" as const), fc.nat(), fc.constant(0), fc.oneof(anyText, fc.constantFrom("<auth><constructor/></auth>", "<client id='x'>", "</client>", "<user-agent/>", "<![CDATA[x]]>", "&amp;", "&#27;"))),
      fc.tuple(fc.constant("copy" as const), fc.nat(), fc.nat({ max: 400 }), fc.constant("")),
    );
    let parsed = 0;
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), fc.array(mutation, { minLength: 1, maxLength: 6 }), (fixture, mutations) => {
        let text = fixture.split(/\n(?=<iq)/)[0];
        for (const [kind, at, length, insert] of mutations) {
          const start = at % (text.length + 1);
          if (kind === "delete") text = text.slice(0, start) + text.slice(start + length);
          else if (kind === "insert") text = text.slice(0, start) + insert + text.slice(start);
          else text = text.slice(0, start) + text.slice(start, start + length) + text.slice(start);
        }
        let element: Element;
        try {
          element = parse(text);
        } catch {
          return; // not XML at all: the stream's parser stops before parseClients (test/security/hostile-servers)
        }
        parsed++;
        checkParser(element);
      }),
      { numRuns: 3000 },
    );
    expect(parsed).toBeGreaterThan(100); // the mutations did not only produce unparsable text
  });

  test("an <auth> child named like an Object.prototype property is not taken for a kind of authentication", () => {
    const iq = parse(`<iq type='result'><clients xmlns='${NS_MANAGE_CLIENTS}'><client id='client/a'><auth><constructor/><toString/><__proto__/><password/></auth></client></clients></iq>`);
    expect(parseClients(iq)[0].auth).toEqual(["password"]);
  });
});

describe("bin/xmgr against recording servers: sent exactly as typed, or refused with exit 2", () => {
  let user: XmgrUser;
  let cert: Certificate;
  let xmpp: ScriptedServer;
  let httpServer: http.Server;
  let httpPort: number;
  const bodies: string[] = [];

  beforeAll(async () => {
    user = await xmgrUser();
    cert = await makeCertificate(user.home, ["example.test"]);
    xmpp = await scriptedXmppServer({
      cert,
      onIq: (iq, socket) =>
        socket.write(
          iq.getChild("list")
            ? `<iq type='result' id='${iq.attrs.id}'><clients xmlns='${NS_MANAGE_CLIENTS}'/></iq>`
            : `<iq type='result' id='${iq.attrs.id}'/>`,
        ),
    });
    httpServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        bodies.push(Buffer.concat(chunks).toString("utf8"));
        res.writeHead(200, { "content-length": "0" }).end();
      });
    });
    httpPort = await listenOnLoopback(httpServer);
  });

  afterAll(async () => {
    await xmpp?.close();
    await closeServer(httpServer);
    await user?.cleanup();
  });

  const xmppRun = (args: string[]) => user.run(["--timeout", "60", ...scriptedLoginArgs(xmpp, cert), ...args], { XMGR_PASSWORD: "recording" });

  function expectRefused(result: XmgrResult, what: RegExp): void {
    expect(result.stderr).toMatch(what);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toMatch(/\n\s+at |Error:/);
    expect(result.stderr).not.toMatch(UNSAFE_ON_TERMINAL); // the refused text is shown escaped
  }

  test("user clients JID: the IQ's `to` is the JID as typed (domain lower-cased), or exit 2", async () => {
    await fc.assert(
      fc.asyncProperty(jidText(argText).filter((text) => !text.startsWith(`${SCRIPTED_ADMIN}`)), async (text) => {
        const before = xmpp.iqs.length;
        const result = await xmppRun(["user", "clients", "--", text]); // "--": what follows is not an option, even "-x"
        if (result.code === 2) return expectRefused(result, /^! Invalid account JID /);
        expect(result.stderr).toBe("OK: No clients associated with this account\n");
        expect(result.code).toBe(0);
        const iqs = xmpp.iqs.slice(before);
        expect(iqs).toHaveLength(1);
        const at = text.lastIndexOf("@");
        expect(iqs[0].attrs.to).toBe(text.slice(0, at + 1) + text.slice(at + 1).toLowerCase());
      }),
      { numRuns: E2E_RUNS, endOnFailure: true },
    );
  });

  test("user revoke_client SELECTOR: the revoke's id is the selector as typed, or exit 2 before connecting", async () => {
    const selector = fc.constantFrom("client/", "grant/", "software/").chain((prefix) => argText.map((text) => prefix + text));
    await fc.assert(
      fc.asyncProperty(selector, async (text) => {
        const before = { iqs: xmpp.iqs.length, connections: xmpp.connections() };
        const result = await xmppRun(["user", "revoke_client", "--", SCRIPTED_ADMIN, text]);
        if (result.code === 2) {
          expectRefused(result, /^! Invalid client selector /);
          return expect(xmpp.connections()).toBe(before.connections);
        }
        expect(result.stderr).toBe("OK: Client access revoked\n");
        // The revoke (beside the lists that find the client and check it is gone) names the selector as typed.
        const revokes = xmpp.iqs.slice(before.iqs).filter((iq) => iq.getChild("revoke", NS_MANAGE_CLIENTS));
        expect(revokes.map((iq) => iq.getChild("revoke", NS_MANAGE_CLIENTS)?.attrs.id)).toEqual([text]);
      }),
      { numRuns: E2E_RUNS, endOnFailure: true },
    );
  });

  test("muc kick ROOM NICK REASON: the JSON body holds them exactly as typed, or exit 2 before any request", async () => {
    const room = fc.oneof(word.map((w) => `${w}@chat.example.test`), jidText(argText));
    await fc.assert(
      fc.asyncProperty(room, argText, fc.option(argText, { nil: undefined }), async (roomText, nick, reason) => {
        const before = bodies.length;
        const result = await user.run(["muc", "kick", "--url", `http://127.0.0.1:${httpPort}/muc_kick`, "--", roomText, nick, ...(reason === undefined ? [] : [reason])], {
          XMGR_MUC_KICK_AUTH: "Basic cmVjb3JkaW5nOnNlcnZlcg==",
        });
        if (result.code === 2) {
          expectRefused(result, /^! Invalid (room JID|nickname|reason)/);
          return expect(bodies.length).toBe(before);
        }
        expect(result.code).toBe(0);
        expect(bodies.length).toBe(before + 1);
        const at = roomText.lastIndexOf("@");
        const sent = JSON.parse(bodies[before]) as Record<string, string>;
        expect(sent).toEqual({ nickname: nick, muc: roomText.slice(0, at + 1) + roomText.slice(at + 1).toLowerCase(), ...(reason ? { reason } : {}) });
      }),
      { numRuns: E2E_RUNS, endOnFailure: true },
    );
  });

  test("a room JID with a resource, a nickname with a control character, a reason with U+FFFF: each refused with exit 2", async () => {
    const kick = (args: string[]) => user.run(["muc", "kick", "--url", `http://127.0.0.1:${httpPort}/muc_kick`, ...args], { XMGR_MUC_KICK_AUTH: "Basic eDp5" });
    const before = bodies.length;
    expectRefused(await kick(["room@chat.example.test/Bob", "Bob"]), /^! Invalid room JID .*without "\/resource"/);
    expectRefused(await kick(["room@chat.example.test", "Bob\u001b[2J"]), /^! Invalid nickname "Bob\\u001b\[2J"/);
    expectRefused(await kick(["room@chat.example.test", "Bob", "bye\uffff"]), /^! Invalid reason/);
    expect(bodies.length).toBe(before);
  });

  test("a nickname or reason that starts with '-' is an unknown option (exit 2) unless it follows '--', then it is sent as typed", async () => {
    const kick = (args: string[]) => user.run(["muc", "kick", "--url", `http://127.0.0.1:${httpPort}/muc_kick`, ...args], { XMGR_MUC_KICK_AUTH: "Basic eDp5" });
    const before = bodies.length;
    const refused = await kick(["room@chat.example.test", "-Bob", "--spam"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/unknown option '-Bob'/);
    expect(bodies.length).toBe(before);
    const sent = await kick(["--", "room@chat.example.test", "-Bob", "--spam"]);
    expect(sent.code).toBe(0);
    expect(JSON.parse(bodies[before])).toEqual({ nickname: "-Bob", muc: "room@chat.example.test", reason: "--spam" });
  });
});
