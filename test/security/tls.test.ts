/**
 * TLS and where secrets may go (issue 6), beyond what test/e2e/ already proves (untrusted
 * certificate naming --ca, a certificate for another name and a server without STARTTLS in
 * login-failures.test.ts; -PLUS when offered in login-mechanisms.test.ts; plain http to a host
 * that is not loopback in muc-kick.test.ts):
 * - a man in the middle on loopback that strips STARTTLS from a real Prosody's features (alone,
 *   or offering PLAIN in its place): no login, nothing secret sent, --insecure changes nothing;
 * - HTTPS with a trusted certificate for another name: refused before any request;
 * - a redirect from the muc_kick endpoint is never followed (the Authorization value goes
 *   nowhere else) and the message names the Location and --url.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { makeCertificate } from "../support/hostile.js";
import { xmgrUser, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";

const PASSWORD = "mitm-must-never-see-this-7";
const AUTH = "Basic cmVkaXJlY3Q6bmV2ZXItZm9sbG93ZWQ=";

let tb: Testbed;
let user: XmgrUser;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [tb, user] = await Promise.all([startTestbed(), xmgrUser()]);
  await tb.register("alice", PASSWORD);
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await user?.cleanup();
  await tb?.stop();
});

async function listen(server: net.Server): Promise<number> {
  closers.push(() => closeServer(server));
  return listenOnLoopback(server);
}

/**
 * A TCP proxy to the test bed's STARTTLS port that rewrites the server's first <stream:features>:
 * <starttls/> removed, and `inject` put in its place. Records what the client sent.
 */
async function strippingProxy(inject: string): Promise<{ port: number; sent: () => string; stripped: () => boolean }> {
  const sent: Buffer[] = [];
  let stripped = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(tb.c2sPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk: Buffer) => {
      sent.push(chunk);
      upstream.write(chunk);
    });
    let pending = "";
    let rewritten = false;
    upstream.on("data", (chunk: Buffer) => {
      if (rewritten) return client.write(chunk);
      pending += chunk.toString("utf8");
      if (!pending.includes("</stream:features>")) return;
      rewritten = true;
      const without = pending.replace(/<starttls\b[^>]*?(\/>|>[\s\S]*?<\/starttls>)/, inject);
      stripped = without !== pending;
      client.write(without);
    });
  });
  closers.push(async () => sockets.forEach((socket) => socket.destroy()));
  const port = await listen(server);
  return { port, sent: () => Buffer.concat(sent).toString("utf8"), stripped: () => stripped };
}

describe("a man in the middle who strips STARTTLS (real Prosody behind a loopback proxy)", () => {
  const PLAIN_OFFER =
    "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>" +
    "<authentication xmlns='urn:xmpp:sasl:2'><mechanism>PLAIN</mechanism></authentication>";

  test.each([
    ["removes <starttls/>", ""],
    ["replaces <starttls/> with an offer of PLAIN", PLAIN_OFFER],
  ])("%s: exit 7 at once, no login attempted, the password never sent (also with --insecure)", async (_name, inject) => {
    for (const extra of [[], ["--insecure"]]) {
      const proxy = await strippingProxy(inject);
      const started = Date.now();
      const result = await user.run(
        ["-v", ...extra, "--timeout", "60", "--jid", `alice@${tb.host}`, "--server", `127.0.0.1:${proxy.port}`, "--ca", tb.caFile, "user", "clients", `alice@${tb.host}`],
        { XMGR_PASSWORD: PASSWORD },
      );
      expect(proxy.stripped()).toBe(true);
      expectCleanFailure(result, 7);
      expect(result.stderr).toMatch(/offered no TLS/);
      expect(Date.now() - started).toBeLessThan(30_000); // refused, not timed out (also on a busy machine)
      const sent = proxy.sent();
      expect(sent).toContain("<stream:stream"); // xmgr did talk to the proxy
      expect(sent).not.toMatch(/<auth[\s>]|<authenticate[\s>]|<starttls/);
      for (const secret of [PASSWORD, Buffer.from(`\0alice\0${PASSWORD}`).toString("base64")]) {
        expect(sent).not.toContain(secret);
        expect(result.stderr).not.toContain(secret);
      }
    }
  });

  test("the same proxy without the rewrite lets xmgr log in (only the stripping made it refuse)", async () => {
    const proxy = await strippingProxy("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>");
    const result = await user.run(["--jid", `alice@${tb.host}`, "--server", `127.0.0.1:${proxy.port}`, "--ca", tb.caFile, "user", "clients", `alice@${tb.host}`], {
      XMGR_PASSWORD: PASSWORD,
    });
    expect(result.stderr).toMatch(/^OK: /m);
    expect(result.code).toBe(0);
    expect(proxy.sent()).toContain("<starttls");
    expect(proxy.sent()).not.toContain(PASSWORD);
  });
});

describe("HTTPS and redirects (muc kick)", () => {
  test("a trusted certificate for another name: exit 7, no request reaches the server", async () => {
    const cert = await makeCertificate(user.home, ["other.test"]);
    let requests = 0;
    const port = await listen(https.createServer({ key: cert.key, cert: cert.cert }, (_req, res) => {
      requests++;
      res.end();
    }));
    const result = await user.run(
      ["-v", "--ca", cert.certFile, "muc", "kick", "--url", `https://${tb.mucHost}:${port}/muc_kick`, "--http-server", "127.0.0.1", `room@${tb.mucHost}`, "Bob"],
      { XMGR_MUC_KICK_AUTH: AUTH },
    );
    expectCleanFailure(result, 7);
    expect(result.stderr).toMatch(/certificate .* another name/);
    expect(requests).toBe(0);
    expect(result.stderr).not.toContain(AUTH.slice(6));
  });

  test.each([301, 302, 303, 307, 308])("HTTP %i with a Location is not followed: exit 1, names the Location and --url", async (status) => {
    const elsewhere: http.IncomingMessage[] = [];
    const target = await listen(http.createServer((req, res) => {
      elsewhere.push(req);
      res.end();
    }));
    const location = `http://127.0.0.1:${target}/stolen`;
    const asked: http.IncomingMessage[] = [];
    const endpoint = await listen(http.createServer((req, res) => {
      asked.push(req);
      req.resume();
      res.writeHead(status, { location, "content-type": "text/html" }).end("<a href='elsewhere'>moved</a>");
    }));
    const result = await user.run(["-v", "muc", "kick", "--url", `http://127.0.0.1:${endpoint}/muc_kick`, `room@${tb.mucHost}`, "Bob"], { XMGR_MUC_KICK_AUTH: AUTH });
    expectCleanFailure(result, 1);
    expect(result.stderr).toContain(`redirects (HTTP ${status}) to ${location}`);
    expect(result.stderr).toContain("--url");
    expect(asked).toHaveLength(1);
    expect(elsewhere).toHaveLength(0);
    expect(result.stderr).not.toContain(AUTH.slice(6));
  });
});
