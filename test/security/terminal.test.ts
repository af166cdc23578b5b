/**
 * Terminal safety (issue 6): text that comes from a server or from other users (client ids,
 * software names and versions, device names, URIs, error texts, nicknames) reaches the terminal
 * escaped: no escape sequence, C0/C1 control or bidi override is written raw, in tables, in
 * --json, in -v traces or in messages. Scripted servers on 127.0.0.1 play the hostile side.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import http from "node:http";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { makeCertificate, scriptedLoginArgs, scriptedXmppServer, SCRIPTED_ADMIN, type Certificate, type ScriptedServer } from "../support/hostile.js";
import { xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";

const NS = "xmpp:prosody.im/protocol/manage-clients";
/** Anything a terminal would act on, "\n" (our own line ends) excepted. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

// XML 1.0 cannot carry C0 controls (ESC included), so over XMPP the hostile pieces are C1 controls
// (a one-character CSI, NEL), bidi overrides and line separators; over HTTP (JSON) ESC sequences too.
const CLEAR = "\u001b[2J";
const TITLE = "\u001b]0;owned\u0007";
const CSI8 = "\u009b2J";
const OSC8 = "\u009d0;owned\u009c";
const RTL = "\u202eevil\u202c";
const LINES = "a\u2028b\u0085c";
/** XML-safe text, as a server would put it in a stanza. */
const xmlText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/'/g, "&apos;");

let user: XmgrUser;
let cert: Certificate;
let xmpp: ScriptedServer;
let httpServer: http.Server;
let httpPort: number;

function expectNothingRaw(result: XmgrResult): void {
  for (const [name, text] of [["stdout", result.stdout], ["stderr", result.stderr]] as const) {
    const found = RAW_CONTROL.exec(text);
    expect({ name, raw: found ? `U+${found[0].charCodeAt(0).toString(16)} at ${found.index}` : null }).toEqual({ name, raw: null });
  }
}

beforeAll(async () => {
  user = await xmgrUser();
  cert = await makeCertificate(user.home, ["example.test"]);
  xmpp = await scriptedXmppServer({
    cert,
    onIq: (iq, socket) => {
      if (iq.getChild("revoke")) {
        socket.write(
          `<iq type='error' id='${iq.attrs.id}'><error type='cancel'><not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>` +
            `<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>${xmlText(`nope${CSI8}${OSC8}${RTL}${LINES}`)}</text></error></iq>`,
        );
        return;
      }
      socket.write(
        `<iq type='result' id='${iq.attrs.id}'><clients xmlns='${NS}'>` +
          `<client id='${xmlText(`client/${CSI8}x`)}' type='session' connected='true'><first-seen>2026-11-22T09:56:21Z</first-seen>` +
          `<auth><password/></auth><user-agent><software id='${xmlText(`urn:${OSC8}`)}' version='${xmlText(`1.0${CSI8}`)}'>${xmlText(`Gajim${OSC8}`)}</software>` +
          `<device>${xmlText(`phone${RTL}${LINES}`)}</device><uri>${xmlText(`https://x/${CSI8}`)}</uri></user-agent></client></clients></iq>`,
      );
    },
  });
  httpServer = http.createServer((req, res) => {
    req.resume();
    if (req.url?.includes("ok")) return res.writeHead(200, { "content-length": "0" }).end();
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: `No MUC${CLEAR}${TITLE}${CSI8}${RTL} found` }));
  });
  httpPort = await listenOnLoopback(httpServer);
});

afterAll(async () => {
  await xmpp?.close();
  await closeServer(httpServer);
  await user?.cleanup();
});

const list = (...extra: string[]) => user.run([...extra, ...scriptedLoginArgs(xmpp, cert), "user", "clients", SCRIPTED_ADMIN], { XMGR_PASSWORD: "terminal" });

describe("text from the server is shown escaped", () => {
  test("client table (and -v trace): id, software, version and device escaped, nothing raw", async () => {
    const result = await list("-v");
    expect(result.code).toBe(0);
    expectNothingRaw(result);
    expect(result.stdout).toContain("client/\\x9b2Jx");
    expect(result.stdout).toContain("Gajim\\x9d0;owned\\x9c/1.0\\x9b2J");
    expect(result.stdout).toContain("phone\\u202eevil\\u202ca\\u2028b\\x85c");
    expect(result.stderr).toMatch(/RECV .*Gajim\\x9d0;owned\\x9c/); // the trace too
  });

  test("--json: the same values, with controls, C1 and bidi characters as \\u escapes (the JSON value is unchanged)", async () => {
    const result = await list("--json");
    expect(result.code).toBe(0);
    expectNothingRaw(result);
    const { clients } = JSON.parse(result.stdout) as { clients: Array<{ id: string; userAgent: Record<string, string> }> };
    expect(clients[0].id).toBe(`client/${CSI8}x`);
    expect(clients[0].userAgent).toEqual({ software: `Gajim${OSC8}`, version: `1.0${CSI8}`, softwareId: `urn:${OSC8}`, device: `phone${RTL}${LINES}`, uri: `https://x/${CSI8}` });
    expect(result.stdout).toContain("\\u202e");
  });

  test("an XMPP error text: escaped in the message", async () => {
    const result = await user.run([...scriptedLoginArgs(xmpp, cert), "user", "revoke_client", SCRIPTED_ADMIN, "client/x"], { XMGR_PASSWORD: "terminal" });
    expect(result.code).not.toBe(0);
    expectNothingRaw(result);
    expect(result.stderr).toContain("nope\\x9b2J\\x9d0;owned\\x9c\\u202eevil\\u202ca\\u2028b\\x85c");
  });

  test("an ESC smuggled in as a character reference (&#27;, not XML 1.0): refused as unreadable, nothing raw", async () => {
    const bad = await scriptedXmppServer({
      cert,
      onIq: (iq, socket) => socket.write(`<iq type='result' id='${iq.attrs.id}'><clients xmlns='${NS}'><client id='client/&#27;[2J'/></clients></iq>`),
    });
    try {
      const result = await user.run([...scriptedLoginArgs(bad, cert), "user", "clients", SCRIPTED_ADMIN], { XMGR_PASSWORD: "terminal" });
      expectNothingRaw(result);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^! The server sent something xmgr cannot read/);
    } finally {
      await bad.close();
    }
  });

  test("an HTTP error text and a nickname with a bidi override: escaped in the messages", async () => {
    const auth = { XMGR_MUC_KICK_AUTH: "Basic dGVybWluYWw6c2FmZQ==" };
    const failed = await user.run(["-v", "muc", "kick", "--url", `http://127.0.0.1:${httpPort}/muc_kick`, "room@chat.example.test", "Bob"], auth);
    expect(failed.code).toBe(4);
    expectNothingRaw(failed);
    expect(failed.stderr).toContain("No MUC\\x1b[2J\\x1b]0;owned\\x07\\x9b2J\\u202eevil\\u202c found");
    const kicked = await user.run(["muc", "kick", "--url", `http://127.0.0.1:${httpPort}/ok/muc_kick`, "room@chat.example.test", `Bob${RTL}`], auth);
    expect(kicked.code).toBe(0);
    expectNothingRaw(kicked);
    expect(kicked.stderr).toBe("OK: Kicked Bob\\u202eevil\\u202c from room@chat.example.test\n");
  });
});
