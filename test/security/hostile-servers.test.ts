/**
 * Hostile or broken servers (issue 6): tiny scripted XMPP (TLS, any login) and HTTP servers on
 * 127.0.0.1 that send malformed XML, a stream error, 50 MB, one byte a second, nothing at all,
 * HTML, invalid JSON or an unexpected body, or reset the connection mid-answer. The built
 * bin/xmgr must end within its --timeout with a clear "! message", a non-zero exit code, no stack
 * trace, and bounded memory (the child's peak RSS, measured by the kernel).
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import http from "node:http";
import net from "node:net";
import type tls from "node:tls";
import type { Element } from "@xmpp/xml";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { makeCertificate, runMeasured, scriptedLoginArgs, scriptedXmppServer, streamHeader, SCRIPTED_ADMIN, type Certificate, type MeasuredResult, type ScriptedServer, type XmppScript } from "../support/hostile.js";
import { xmgrUser, type XmgrUser } from "../support/xmgr.js";

const NS = "xmpp:prosody.im/protocol/manage-clients";
/** For the cases about time (exit 8 expected): the --timeout they give xmgr. */
const TIMEOUT_S = 2;
/**
 * For every other case: a limit that a busy 2-core machine never reaches, so that a slow login or a
 * slow read of megabytes cannot turn a case about content or size into a timeout (exit 8).
 */
const CALM_TIMEOUT_S = 40;
/**
 * What a run may take beyond its --timeout: start-up, login and close, many times longer on a busy
 * machine than on an idle one, and still far below the time any trickle below would take to end.
 */
const SLACK_MS = 20_000;
/** Peak RSS allowed for the child: a bare run is ~60-80 MiB; unbounded reading of 50 MB takes several hundred. */
const MAX_RSS_MIB = 200;
const AUTH = "Basic aG9zdGlsZTpzM2NyZXQtdmFsdWU=";

let cert: Certificate;
let user: XmgrUser;
const servers: Array<{ close(): Promise<void> | void }> = [];
/** For the report: what each hostile case cost. */
const figures: string[] = [];

beforeAll(async () => {
  user = await xmgrUser();
  cert = await makeCertificate(user.home, ["example.test"]);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await user?.cleanup();
  if (process.env.XMGR_TEST_FIGURES) process.stderr.write(`${figures.join("\n")}\n`);
});

/** Ends within the timeout (+ start-up slack), one "! message" (+ hint), the exit code, no stack trace, bounded memory. */
function expectCalmFailure(name: string, result: MeasuredResult, code: number, message: RegExp, timeoutS = CALM_TIMEOUT_S): void {
  figures.push(`${name}: exit ${result.code}, ${result.ms} ms, peak RSS ${Math.round(result.maxRssKiB / 1024)} MiB`);
  expect(result.stderr).toMatch(message);
  expect(result.code).toBe(code);
  expect(result.stdout).toBe("");
  expect(result.stderr).not.toMatch(/\n\s+at |Error:|TypeError|RangeError/);
  const start = result.stderr.search(/(^|\n)! /);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(result.stderr.slice(start).trim().split("\n").length).toBeLessThanOrEqual(2);
  expect(result.ms).toBeLessThan(timeoutS * 1000 + SLACK_MS);
  expect(result.maxRssKiB).toBeLessThan(MAX_RSS_MIB * 1024);
}

async function xmppServer(script: Omit<XmppScript, "cert">): Promise<ScriptedServer> {
  const server = await scriptedXmppServer({ cert, ...script });
  servers.push(server);
  return server;
}

const PASSWORD = "scripted-servers-take-any-password";
const listClientsWithin = (timeoutS: number, server: ScriptedServer, ...extra: string[]) =>
  runMeasured(user, ["--timeout", String(timeoutS), ...extra, ...scriptedLoginArgs(server, cert), "user", "clients", SCRIPTED_ADMIN], { XMGR_PASSWORD: PASSWORD });
const listClients = (server: ScriptedServer, ...extra: string[]) => listClientsWithin(CALM_TIMEOUT_S, server, ...extra);
const listClientsTimed = (server: ScriptedServer) => listClientsWithin(TIMEOUT_S, server);

/** Writes `total` bytes made by `piece`, respecting back-pressure, stopping when the peer goes away. */
async function flood(socket: NodeJS.WritableStream & { destroyed: boolean }, piece: string, total: number): Promise<void> {
  const chunk = piece.repeat(Math.max(1, Math.floor(65536 / piece.length)));
  for (let sent = 0; sent < total && !socket.destroyed; sent += chunk.length) {
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off("drain", done);
          socket.off("close", done);
          resolve();
        };
        socket.on("drain", done);
        socket.on("close", done);
      });
    }
  }
}

/** Sends `text` one byte a second until the peer goes away. */
function trickle(socket: net.Socket, text: string): void {
  let index = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || index >= text.length) return clearInterval(timer);
    socket.write(text[index++]);
  }, 1000);
  socket.on("close", () => clearInterval(timer));
}

const clientEntry = (n: number) =>
  `<client connected='false' id='client/c${n.toString(36).padStart(10, "0")}' type='session'><first-seen>2026-11-22T09:56:21Z</first-seen>` +
  `<last-seen>2026-11-22T09:56:21Z</last-seen><auth><password/><fast/></auth><user-agent><software id='https://gajim.org' version='1.9.5'>Gajim</software>` +
  `<device>laptop-${n}</device><uri>https://gajim.org</uri></user-agent></client>`;

describe("XMPP servers that misbehave after login (the answer to the list IQ)", () => {
  test.concurrent("malformed XML in the answer: exit 1, says the server sent something xmgr cannot read", async () => {
    const server = await xmppServer({ onIq: (iq, socket) => socket.write(`<iq type='result' id='${iq.attrs.id}'><clients xmlns='${NS}'><client id='a'></clients></iq>`) });
    expectCalmFailure("XMPP malformed XML in the answer", await listClients(server), 1, /cannot read/);
  });

  test.concurrent("a stream error instead of the answer: exit 6, names the condition and the server's text", async () => {
    const server = await xmppServer({
      onIq: (_iq, socket) =>
        socket.end(
          "<stream:error><internal-server-error xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>" +
            "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>database on fire</text></stream:error></stream:stream>",
        ),
    });
    expectCalmFailure("XMPP stream error", await listClients(server), 6, /stream error: internal-server-error.*database on fire/);
  });

  test.concurrent("an empty stream error (no condition) instead of the answer: exit 6 or 1, no crash", async () => {
    const server = await xmppServer({ onIq: (_iq, socket) => socket.end("<stream:error/></stream:stream>") });
    const result = await listClients(server);
    expectCalmFailure("XMPP empty stream error", result, result.code === 1 ? 1 : 6, /cannot read|closed the connection/);
  });

  test.concurrent("an answer of 50 MB: stopped at the size cap, exit 1, bounded memory", async () => {
    const server = await xmppServer({
      onIq: (iq, socket) => {
        socket.write(`<iq type='result' id='${iq.attrs.id}'><clients xmlns='${NS}'>`);
        void flood(socket, clientEntry(1), 50 * 1024 * 1024);
      },
    });
    expectCalmFailure("XMPP 50 MB answer", await listClients(server), 1, /more than (\d+ MiB|300,000 elements)/);
  });

  test.concurrent("a 10,000-client list (about 5 MB) still works, in bounded memory", async () => {
    const entries = Array.from({ length: 10_000 }, (_, n) => clientEntry(n)).join("");
    const server = await xmppServer({ onIq: (iq, socket) => socket.write(`<iq type='result' id='${iq.attrs.id}'><clients xmlns='${NS}'>${entries}</clients></iq>`) });
    const result = await listClients(server, "--json");
    figures.push(`XMPP 10,000 clients (${(entries.length / 1e6).toFixed(1)} MB): exit ${result.code}, ${result.ms} ms, peak RSS ${Math.round(result.maxRssKiB / 1024)} MiB`);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { clients: unknown[] }).clients).toHaveLength(10_000);
    expect(result.maxRssKiB).toBeLessThan(MAX_RSS_MIB * 1024);
  });

  test.concurrent("an answer trickled one byte a second: exit 8 within --timeout", async () => {
    const server = await xmppServer({ onIq: (iq, socket) => trickle(socket, `<iq type='result' id='${iq.attrs.id}'><clients xmlns='${NS}'/></iq>`) });
    expectCalmFailure("XMPP answer trickled 1 byte/s", await listClientsTimed(server), 8, /No answer .* within 2 s/, TIMEOUT_S);
  });

  test.concurrent("an IQ that is never answered: exit 8 within --timeout", async () => {
    const server = await xmppServer({});
    expectCalmFailure("XMPP IQ never answered", await listClientsTimed(server), 8, /No answer .* within 2 s/, TIMEOUT_S);
    expect(server.iqs).toHaveLength(1); // the request did go out
  });

  test.concurrent("the connection reset in the middle of the answer: exit 6, saying the kick may have happened", async () => {
    const server = await xmppServer({
      onIq: (iq, socket) => {
        socket.write(`<iq type='result' id='${iq.attrs.id}'><clients xmlns='${NS}'>${clientEntry(1)}<client id='client/half`, () =>
          setTimeout(() => (socket as tls.TLSSocket & { _parent?: net.Socket })._parent?.resetAndDestroy() ?? socket.destroy(), 50),
        );
      },
    });
    expectCalmFailure("XMPP reset mid-answer", await listClients(server), 6, /connection .* (failed|closed)/i);
  });
});

describe("XMPP servers that misbehave before login", () => {
  /** Runs `onHeader` once xmgr's stream header has come, as a server answers it. */
  const before = (onHeader: (socket: tls.TLSSocket) => void) => xmppServer({ onConnect: (socket) => socket.once("data", () => onHeader(socket)) });

  test.concurrent("malformed XML as the stream opens: exit 1, no password sent", async () => {
    const server = await before((socket) => socket.write(`${streamHeader}<stream:features><a></b></stream:features>`));
    expectCalmFailure("XMPP malformed XML before login", await listClients(server), 1, /cannot read/);
    expect(server.received()).not.toMatch(/<auth[ >]/);
  });

  test.concurrent("a stream error as the stream opens: exit 6", async () => {
    const server = await before((socket) =>
      socket.end(`${streamHeader}<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>`),
    );
    expectCalmFailure("XMPP stream error before login", await listClients(server), 6, /closed the stream with an error: host-unknown/);
  });

  test.concurrent("a server that closes the connection right after its stream header: exit 6 at once, not a timeout", async () => {
    const server = await before((socket) => socket.end(streamHeader));
    expectCalmFailure("XMPP closed during login", await listClients(server), 6, /closed the connection before xmgr could log in/);
  });

  test.concurrent("no password configured, on a PLAIN-only server: exit 2 with where a password can come from (no crash)", async () => {
    const server = await xmppServer({});
    const result = await runMeasured(user, ["--timeout", String(CALM_TIMEOUT_S), ...scriptedLoginArgs(server, cert), "user", "clients", SCRIPTED_ADMIN]);
    expectCalmFailure("XMPP no password", result, 2, /No password.*\n.*XMGR_PASSWORD/);
    expect(server.received()).not.toMatch(/<auth[ >]/);
  });

  test.concurrent("50 MB of stream features: stopped at the size cap, exit 1, bounded memory", async () => {
    const server = await before((socket) => {
      socket.write(`${streamHeader}<stream:features><x xmlns='urn:example:junk'>`);
      void flood(socket, "<junk>0123456789abcdef</junk>", 50 * 1024 * 1024);
    });
    expectCalmFailure("XMPP 50 MB before login", await listClients(server), 1, /more than (\d+ MiB|300,000 elements)/);
  });

  test.concurrent("50 MB of tiny elements (the most objects per byte): stopped at the size cap, exit 1, bounded memory", async () => {
    const server = await before((socket) => {
      socket.write(`${streamHeader}<stream:features>`);
      void flood(socket, "<a/>", 50 * 1024 * 1024);
    });
    expectCalmFailure("XMPP 50 MB of tiny elements", await listClients(server), 1, /more than 300,000 elements/);
  });

  test.concurrent("50 MB of whitespace between stanzas: stopped at the size cap, exit 1, bounded memory", async () => {
    const server = await before((socket) => {
      socket.write(streamHeader);
      void flood(socket, " ", 50 * 1024 * 1024);
    });
    expectCalmFailure("XMPP 50 MB of whitespace", await listClients(server), 1, /more than (\d+ MiB|300,000 elements)/);
  });

  test.concurrent("a server that talks before xmgr's stream header (garbage): ignored, no crash, exit 8 within --timeout", async () => {
    const server = await xmppServer({ onConnect: (socket) => socket.write("<<<garbage>>> \u0000\u001b[2J") });
    expectCalmFailure("XMPP server talks first", await listClientsTimed(server), 8, /No login .* within 2 s/, TIMEOUT_S);
  });

  test.concurrent("a server that trickles its stream header one byte a second: exit 8 within --timeout", async () => {
    const server = await before((socket) => trickle(socket, streamHeader));
    expectCalmFailure("XMPP header trickled 1 byte/s", await listClientsTimed(server), 8, /within 2 s/, TIMEOUT_S);
  });
});

describe("HTTP (muc kick) servers that misbehave", () => {
  async function httpServer(handler: http.RequestListener): Promise<number> {
    const server = http.createServer(handler);
    servers.push({ close: () => closeServer(server) });
    return listenOnLoopback(server);
  }
  async function rawServer(onConnection: (socket: net.Socket) => void): Promise<number> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.once("data", () => onConnection(socket));
    });
    servers.push({ close: () => new Promise<void>((resolve) => { sockets.forEach((s) => s.destroy()); server.close(() => resolve()); }) });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as net.AddressInfo).port;
  }
  const kick = (port: number, timeoutS = CALM_TIMEOUT_S) =>
    runMeasured(user, ["--timeout", String(timeoutS), "muc", "kick", "--url", `http://127.0.0.1:${port}/muc_kick`, "room@chat.example.test", "Bob"], { XMGR_MUC_KICK_AUTH: AUTH });
  const answer = (status: number, type: string, body: string): http.RequestListener => (req, res) => {
    req.resume();
    res.writeHead(status, { "content-type": type }).end(body);
  };

  test.concurrent("HTTP 500 with an HTML page: exit 1, the status, no HTML on the terminal", async () => {
    const port = await httpServer(answer(500, "text/html", "<!DOCTYPE html><html><body><h1>Internal Server Error</h1><script>x()</script></body></html>"));
    const result = await kick(port);
    expectCalmFailure("HTTP 500 HTML", result, 1, /HTTP 500/);
    expect(result.stderr).not.toMatch(/<html|<h1|DOCTYPE/i);
  });

  test.concurrent("invalid JSON with application/json: exit 1 (400) / 4 (404), no crash", async () => {
    const bad = await httpServer(answer(400, "application/json", "{\"error\": \"item-not-fo"));
    expectCalmFailure("HTTP 400 invalid JSON", await kick(bad), 1, /rejected the kick \(HTTP 400\)\.$/m);
    const missing = await httpServer(answer(404, "application/json", "{{{not json"));
    expectCalmFailure("HTTP 404 invalid JSON", await kick(missing), 4, /Nothing serves \/muc_kick/);
  });

  test.concurrent("200 with an unexpected body (a login page): exit 1, says the kick may not have happened", async () => {
    const port = await httpServer(answer(200, "text/html", "<html><form action='/login'>Sign in</form></html>"));
    expectCalmFailure("HTTP 200 unexpected body", await kick(port), 1, /may not have happened/);
  });

  test.concurrent("an answer of 50 MB: stopped at the size cap, exit 1, bounded memory", async () => {
    const port = await httpServer((req, res) => {
      req.resume();
      res.writeHead(500, { "content-type": "text/html" });
      void flood(res, "x".repeat(1024), 50 * 1024 * 1024);
    });
    expectCalmFailure("HTTP 50 MB answer", await kick(port), 1, /larger than 64 KiB/);
  });

  // The request went out (xmgr was connected): the server may have kicked, so xmgr says so (src/commands/lost-answer.ts).
  test.concurrent("a body trickled one byte a second: exit 8 within --timeout, saying the kick may have happened", async () => {
    const port = await rawServer((socket) => {
      socket.write("HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\ncontent-length: 1000\r\n\r\n");
      trickle(socket, "x".repeat(1000));
    });
    expectCalmFailure("HTTP body trickled 1 byte/s", await kick(port, TIMEOUT_S), 8, /The answer to "muc kick room@chat\.example\.test Bob" was lost \(no answer within 2 s\): the server may have done it\./, TIMEOUT_S);
  });

  test.concurrent("headers trickled one byte a second: exit 8 within --timeout, saying the kick may have happened", async () => {
    const port = await rawServer((socket) => trickle(socket, "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"));
    expectCalmFailure("HTTP headers trickled 1 byte/s", await kick(port, TIMEOUT_S), 8, /The answer to "muc kick room@chat\.example\.test Bob" was lost \(no answer within 2 s\): the server may have done it\./, TIMEOUT_S);
  });

  test.concurrent("a server that never answers: exit 8 within --timeout, saying the kick may have happened", async () => {
    const port = await rawServer(() => undefined);
    expectCalmFailure("HTTP never answers", await kick(port, TIMEOUT_S), 8, /The answer to "muc kick room@chat\.example\.test Bob" was lost \(no answer within 2 s\): the server may have done it\./, TIMEOUT_S);
  });

  test.concurrent("an https:// server that never starts TLS: exit 8 within --timeout", async () => {
    const port = await rawServer(() => undefined); // reads the ClientHello, answers nothing
    const result = await runMeasured(user, ["--timeout", String(TIMEOUT_S), "muc", "kick", "--url", `https://127.0.0.1:${port}/muc_kick`, "room@chat.example.test", "Bob"], { XMGR_MUC_KICK_AUTH: AUTH });
    expectCalmFailure("HTTPS handshake never answered", result, 8, /No answer .* in time/, TIMEOUT_S);
  });

  test.concurrent("the connection reset in the middle of the answer: exit 6, saying the kick may have happened", async () => {
    const port = await rawServer((socket) => {
      socket.write("HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"error\": \"item-", () =>
        setTimeout(() => socket.resetAndDestroy(), 50),
      );
    });
    expectCalmFailure("HTTP reset mid-answer", await kick(port), 6, /The answer to "muc kick room@chat\.example\.test Bob" was lost \(the connection ended before the answer\): the server may have done it\./);
  });
});

export type { Element };
