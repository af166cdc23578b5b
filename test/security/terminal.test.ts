/**
 * Terminal safety (issue 6): text that comes from a server or from other users (client ids,
 * software names and versions, device names, URIs, error texts, nicknames) reaches the terminal
 * escaped: no escape sequence, C0/C1 control or bidi override is written raw, in tables, in
 * --json, in -v traces or in messages. Scripted servers on 127.0.0.1 play the hostile side.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import http from "node:http";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import type { Element } from "@xmpp/xml";
import { TmuxTerminal } from "../support/tmux.js";
import { expectCleanFailure } from "../support/expect-failure.js";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { makeCertificate, scriptedLoginArgs, scriptedXmppServer, SCRIPTED_ADMIN, type Certificate, type ScriptedServer } from "../support/hostile.js";
import { tsvRecords, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";

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

/** No raw control character anywhere but the tabs between the fields of a piped table (a tab in a field is written \t). */
function expectNothingRaw(result: XmgrResult): void {
  for (const [name, text] of [["stdout", result.stdout.replaceAll("\t", "")], ["stderr", result.stderr]] as const) {
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
    expect(tsvRecords(result.stdout)).toHaveLength(1); // one row of 7 fields: no tab of the server's split a field
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

// Issue 22: a server's words in adhoc run's prompts, in its notes and result tables, in user
// list, in invites, and a roster size that is not a number.
const COMMANDS = "http://jabber.org/protocol/commands";
/** Every C1 control, bidi control and line separator: what a pseudo-terminal must never receive raw. */
const RAW_ON_PTY = /[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** An ad-hoc answer to `iq`: `status`, with `inner` (a form, notes) inside the <command/>. */
function commandAnswer(iq: Element, status: string, inner: string, sessionid?: string): string {
  const command = iq.getChild("command", COMMANDS)!;
  return (
    `<iq type='result' id='${iq.attrs.id}' from='example.test'><command xmlns='${COMMANDS}' node='${xmlText(command.attrs.node)}' status='${status}'` +
    `${sessionid ? ` sessionid='${sessionid}'` : ""}>${inner}</command></iq>`
  );
}

const field = (name: string, values: string[], attrs = "") => `<field var='${name}'${attrs}>${values.map((value) => `<value>${xmlText(value)}</value>`).join("")}</field>`;
const resultForm = (fields: string) => `<x xmlns='jabber:x:data' type='result'>${fields}</x>`;
/** A note of three lines, each with something a terminal would act on. */
const NOTE = `First line${CSI8}\nSecond${RTL}\nThird${LINES}`;

async function withServer(onIq: (iq: Element, socket: TLSSocket) => void, work: (server: ScriptedServer) => Promise<void>): Promise<void> {
  const server = await scriptedXmppServer({ cert, onIq });
  try {
    await work(server);
  } finally {
    await server.close();
  }
}

/** A password field's file (mode 600). */
async function fieldFile(): Promise<string> {
  const file = join(user.home, "pw-field");
  await writeFile(file, "field-file-pw\n", { mode: 0o600 });
  return file;
}

const runAgainst = (server: ScriptedServer, args: string[]) => user.run([...scriptedLoginArgs(server, cert), ...args], { XMGR_PASSWORD: "terminal" });

describe("adhoc run's prompts on a terminal: the server's label, description and options escaped (issue 22)", () => {
  const NODE = "urn:example:hostile#form";
  const FORM =
    `<x xmlns='jabber:x:data' type='form'><title>${xmlText(`Fill${OSC8}`)}</title>` +
    `<field var='name' type='text-single' label='${xmlText(`Name${CSI8}${OSC8}`)}'><desc>${xmlText(`Type${RTL}\nthe second line${LINES}`)}</desc><required/></field>` +
    `<field var='pick' type='list-single' label='${xmlText(`Pick${CSI8}`)}'><required/><option label='${xmlText(`One${OSC8}`)}'><value>one</value></option><option><value>${xmlText(`t${RTL}wo`)}</value></option></field>` +
    `<field var='pw' type='text-private' label='${xmlText("Password")}&#13;${xmlText(`${CSI8}Fake`)}'><required/></field></x>`;
  const onIq = (iq: Element, socket: TLSSocket) => {
    const command = iq.getChild("command", COMMANDS);
    if (!command) return;
    if (command.attrs.action === "cancel") return socket.write(commandAnswer(iq, "canceled", "", "s1"));
    if (command.attrs.action === "complete") {
      const table = `<x xmlns='jabber:x:data' type='result'><reported><field var='c' label='${xmlText(`Col${OSC8}`)}'/></reported><item>${field("c", [`v${CSI8}`])}</item></x>`;
      return socket.write(commandAnswer(iq, "completed", `<note type='info'>${xmlText(NOTE)}</note>${table}`, "s1"));
    }
    socket.write(commandAnswer(iq, "executing", FORM, "s1"));
  };
  const actions = (server: ScriptedServer) => server.iqs.map((iq) => iq.getChild("command", COMMANDS)?.attrs.action).filter(Boolean);

  test("asked field by field, then the filled form shown and confirmed: nothing raw reaches the pseudo-terminal", async () => {
    await withServer(onIq, async (server) => {
      const term = new TmuxTerminal(user.home, user.env);
      const raw = join(user.home, "adhoc-prompts.raw");
      try {
        await term.start([...scriptedLoginArgs(server, cert), "adhoc", "run", NODE], { XMGR_PASSWORD: "terminal" }, { rawOutputFile: raw });
        await term.contains(/\(name\): $/m);
        await term.type("alice");
        await term.keys("Enter");
        await term.contains(/\(pick\) \[.*\]: $/m);
        await term.type("one");
        await term.keys("Enter");
        await term.contains(/\(pw\): $/m);
        await term.type("s3cret-typed");
        await term.keys("Enter");
        await term.contains("Go on? [y/N]");
        expect(actions(server)).toEqual(["execute"]); // nothing submitted before the answer
        await term.type("y");
        await term.keys("Enter");
        const screen = await term.contains("[exit 0]");
        const output = await term.rawOutput("[exit 0]");
        const found = RAW_ON_PTY.exec(output);
        expect(found ? `U+${found[0].charCodeAt(0).toString(16)} at ${found.index}: ${JSON.stringify(output.slice(Math.max(0, found.index - 40), found.index + 10))}` : null).toBeNull();
        expect(output).toContain("Type\\u202eevil\\u202c");
        expect(output).toContain("the second linea\\u2028b\\x85c");
        expect(output).toContain("Name\\x9b2J\\x9d0;owned\\x9c (name): ");
        expect(output).toContain("Pick\\x9b2J (pick) [one (One\\x9d0;owned\\x9c), t\\u202eevil\\u202cwo]: ");
        expect(output).toContain("Password\\x0d\\x9b2JFake (pw): ");
        expect(output).toContain("Fill\\x9d0;owned\\x9c");
        expect(screen).toMatch(/│ Password\\x0d\\x9b2JFake \(pw\) +│ \(hidden\) +│/);
        expect(screen).toContain("Submit this form to urn:example:hostile#form at example.test (a command xmgr does not know). Go on? [y/N]");
        expect(screen).not.toContain("s3cret-typed");
        // The note: one line each, escaped; the result table's column title escaped too.
        expect(screen).toContain("OK: First line\\x9b2J\n  Second\\u202eevil\\u202c\n  Thirda\\u2028b\\x85c\n");
        expect(screen).toContain("Col\\x9d0;owned\\x9c");
        expect(actions(server)).toEqual(["execute", "complete"]);
        expect(server.received()).toContain("s3cret-typed"); // the typed password went, to the server only
      } finally {
        await term.kill();
      }
    });
  });

  test("answered no: exit 2, the form is not submitted and the command's session is cancelled", async () => {
    await withServer(onIq, async (server) => {
      const term = new TmuxTerminal(user.home, user.env);
      try {
        await term.start([...scriptedLoginArgs(server, cert), "adhoc", "run", NODE, "name=bob", "pick=one", "--field-file", `pw=${await fieldFile()}`], { XMGR_PASSWORD: "terminal" });
        await term.contains("Go on? [y/N]");
        await term.type("n");
        await term.keys("Enter");
        const screen = await term.contains("[exit 2]");
        expect(screen).toContain("Cancelled: nothing was changed.");
        expect(actions(server)).toEqual(["execute", "cancel"]);
      } finally {
        await term.kill();
      }
    });
  });
});

describe("a server's words printed escaped, and a roster size that is not a number refused (issue 22)", () => {
  test("user list: names with C1 controls and a bidi override come out escaped, one a line", async () => {
    const onIq = (iq: Element, socket: TLSSocket) => {
      const node = String(iq.getChild("command", COMMANDS)?.attrs.node ?? "");
      // In the module's order (user list refuses a page that goes backwards).
      const names = node.endsWith("#get-registered-users-list") ? [`b${RTL}${LINES}@example.test`, `evil${CSI8}${OSC8}@example.test`] : [];
      const name = node.endsWith("#get-registered-users-list") ? "registereduserjids" : "disableduserjids";
      socket.write(commandAnswer(iq, "completed", resultForm(field(name, names))));
    };
    await withServer(onIq, async (server) => {
      const result = await runAgainst(server, ["user", "list"]);
      expect(result.code).toBe(0);
      expectNothingRaw(result);
      expect(result.stdout).toBe("b\\u202eevil\\u202ca\\u2028b\\x85c@example.test\nevil\\x9b2J\\x9d0;owned\\x9c@example.test\n");
    });
  });

  test("invite create_account: the URI and the landing page come out escaped", async () => {
    const uri = `xmpp:example.test?register;preauth=t${CSI8}${OSC8}`;
    const landing = `https://example.test/i/${RTL}${LINES}`;
    await withServer(
      (iq, socket) => socket.write(commandAnswer(iq, "completed", resultForm(field("uri", [uri]) + field("landing-url", [landing]) + field("expire", [`2027-01-01${CSI8}`])))),
      async (server) => {
        const result = await runAgainst(server, ["invite", "create_account"]);
        expect(result.code).toBe(0);
        expectNothingRaw(result);
        expect(result.stdout).toBe("xmpp:example.test?register;preauth=t\\x9b2J\\x9d0;owned\\x9c\nhttps://example.test/i/\\u202eevil\\u202ca\\u2028b\\x85c\n");
        expect(result.stderr).toContain("valid until 2027-01-01\\x9b2J");
      },
    );
  });

  test("adhoc run without a terminal: a note of several lines is printed as several escaped lines, the result table's titles escaped", async () => {
    const table = `<x xmlns='jabber:x:data' type='result'><reported><field var='c' label='${xmlText(`Col${OSC8}`)}'/></reported><item>${field("c", [`v${CSI8}`])}</item></x>`;
    await withServer(
      (iq, socket) => socket.write(commandAnswer(iq, "completed", `<note type='info'>${xmlText(NOTE)}</note>${table}`)),
      async (server) => {
        const result = await runAgainst(server, ["adhoc", "run", "urn:example:hostile#info"]);
        expect(result.code).toBe(0);
        expectNothingRaw(result);
        expect(result.stderr).toBe("OK: First line\\x9b2J\n  Second\\u202eevil\\u202c\n  Thirda\\u2028b\\x85c\n");
        expect(result.stderr).not.toContain("\\x0a");
        expect(result.stdout).toBe("Col\\x9d0;owned\\x9c\nv\\x9b2J\n"); // tab-separated: stdout is a pipe
      },
    );
  });

  for (const size of ["lots", `12${CSI8}`, "", "-1", "1e3"]) {
    test(`user info: a roster size of ${JSON.stringify(size)} is refused as a malformed answer (exit 1), never printed as NaN`, async () => {
      await withServer(
        (iq, socket) => socket.write(commandAnswer(iq, "completed", resultForm(field("rostersize", [size]) + field("onlineresources", []) + field("ipaddresses", [])))),
        async (server) => {
          const result = await runAgainst(server, ["user", "info", "alice@example.test"]);
          expectCleanFailure(result, 1);
          expectNothingRaw(result);
          expect(result.stderr).toMatch(/^! The server's answer is malformed: the roster size of alice@example\.test is .*, not a number\.\n/);
          expect(result.stderr).not.toContain("NaN");
        },
      );
    });
  }

  test("user info: a whole-number roster size is shown", async () => {
    await withServer(
      (iq, socket) => socket.write(commandAnswer(iq, "completed", resultForm(field("rostersize", ["12"]) + field("onlineresources", []) + field("ipaddresses", [])))),
      async (server) => {
        const result = await runAgainst(server, ["user", "info", "alice@example.test"]);
        expect(result.code).toBe(0);
        expect(result.stdout).toContain("Roster size  12\n");
      },
    );
  });
});
