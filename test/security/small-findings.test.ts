/**
 * The smaller findings of issue 11, each against the built bin/xmgr (scripted servers and a real
 * Prosody on loopback):
 * - IDN domains in A-labels for SNI, the certificate check and SRV;
 * - no Node deprecation warning for a JID whose domain is an IP address;
 * - an Authorization value with CR/LF or outside Latin-1: exit 2 before any connection;
 * - usage errors escape terminal control characters and cut very long arguments;
 * - --timeout takes decimal numbers only;
 * - --url …/muc_kick/ posts to /muc_kick;
 * - HTTP(S)_PROXY / ALL_PROXY are ignored (as documented): the request goes to the server;
 * - the man page's order of password sources is the code's.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import http from "node:http";
import net from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeCertificate, scriptedXmppServer, SCRIPTED_ADMIN, type Certificate } from "../support/hostile.js";
import { loginArgs, repoRoot, xmgrUser, type XmgrUser } from "../support/xmgr.js";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { expectCleanFailure } from "../support/expect-failure.js";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { srvNames } from "../../src/xmpp/resolve.js";
import { usageText } from "../../src/output/output.js";

const NS = "xmpp:prosody.im/protocol/manage-clients";
let user: XmgrUser;
const users: XmgrUser[] = [];
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  user = await xmgrUser();
  users.push(user);
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await Promise.all(users.map((each) => each.cleanup()));
});

async function freshUser(): Promise<XmgrUser> {
  const fresh = await xmgrUser();
  users.push(fresh);
  return fresh;
}

/** An HTTP server on loopback that answers 200 and records the paths it was asked for. */
async function recordingHttp(): Promise<{ port: number; paths: string[] }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? "");
    req.resume();
    res.writeHead(200).end();
  });
  const port = await listenOnLoopback(server);
  closers.push(() => closeServer(server));
  return { port, paths };
}

/** A TCP server that only counts connections. */
async function countingServer(): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  const port = await listenOnLoopback(server);
  closers.push(() => closeServer(server));
  return { port, connections: () => connections };
}

describe("domains", () => {
  let idnCert: Certificate;
  beforeAll(async () => {
    idnCert = await makeCertificate(user.home, ["xn--bcher-kva.example"]);
  });

  test("an internationalised domain is looked up (SRV) and named (SNI, certificate) in A-labels: the login works against a certificate for xn--bcher-kva.example", async () => {
    expect(srvNames("bücher.example")).toEqual(["_xmpps-client._tcp.xn--bcher-kva.example", "_xmpp-client._tcp.xn--bcher-kva.example"]);
    const server = await scriptedXmppServer({
      cert: idnCert,
      onIq: (iq, socket) => socket.write(`<iq type='result' id='${iq.attrs.id}'><clients xmlns='${NS}'/></iq>`),
    });
    closers.push(() => server.close());
    const result = await user.run(
      ["--jid", "admin@bücher.example", "--server", `xmpps://127.0.0.1:${server.port}`, "--ca", idnCert.certFile, "user", "clients", SCRIPTED_ADMIN],
      { XMGR_PASSWORD: "idn-pw-1234" },
    );
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "OK: No clients associated with this account\n" });
  });

  test("a JID whose domain is an IP address: no Node deprecation warning (no IP as SNI), the certificate still checked against it (exit 7)", async () => {
    const cert = await makeCertificate(user.home, ["example.test"]);
    const server = await scriptedXmppServer({ cert });
    closers.push(() => server.close());
    const result = await user.run(["--jid", "admin@127.0.0.1", "--server", `xmpps://127.0.0.1:${server.port}`, "--ca", cert.certFile, "user", "clients", "admin@127.0.0.1"], { XMGR_PASSWORD: "ip-pw-1234" });
    expectCleanFailure(result, 7);
    expect(result.stderr).not.toMatch(/DeprecationWarning|DEP0123|\(node:\d+\)/);
  });
});

describe("muc kick input", () => {
  test.each([
    ["a CR/LF (a second header)", "Basic c2VjcmV0OnZhbHVl\r\nX-Injected: 1"],
    ["a character outside Latin-1", "Basic ключ-secret"],
  ])("an Authorization value with %s is a usage error (exit 2) before any connection, and is not repeated", async (_name, value) => {
    const counting = await countingServer();
    const result = await user.run(["muc", "kick", "--url", `http://127.0.0.1:${counting.port}/muc_kick`, "room@chat.example.test", "Bob"], { XMGR_MUC_KICK_AUTH: value });
    expectCleanFailure(result, 2);
    expect(result.stderr).toMatch(/Authorization value holds/);
    expect(result.stderr).not.toContain(value.split(/\r|\n| /)[1]);
    expect(counting.connections()).toBe(0);
  });

  test("--url …/muc_kick/ (trailing slash) posts to /muc_kick", async () => {
    const recording = await recordingHttp();
    const result = await user.run(["muc", "kick", "--url", `http://127.0.0.1:${recording.port}/muc_kick/`, "room@chat.example.test", "Bob"], { XMGR_MUC_KICK_AUTH: "Basic dXNlcjpwYXNz" });
    expect(result.code).toBe(0);
    expect(recording.paths).toEqual(["/muc_kick"]);
  });

  test("HTTP_PROXY, HTTPS_PROXY and ALL_PROXY are ignored, as documented: the request goes to the server, none to the proxy", async () => {
    const recording = await recordingHttp();
    const proxy = await countingServer();
    const proxyUrl = `http://127.0.0.1:${proxy.port}`;
    const result = await user.run(["muc", "kick", "--url", `http://127.0.0.1:${recording.port}/muc_kick`, "room@chat.example.test", "Bob"], {
      XMGR_MUC_KICK_AUTH: "Basic dXNlcjpwYXNz",
      HTTP_PROXY: proxyUrl,
      http_proxy: proxyUrl,
      HTTPS_PROXY: proxyUrl,
      ALL_PROXY: proxyUrl,
    });
    expect(result.code).toBe(0);
    expect(recording.paths).toEqual(["/muc_kick"]);
    expect(proxy.connections()).toBe(0);
    expect(readFileSync(join(repoRoot, "README.md"), "utf8")).toMatch(/`HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` are ignored/);
  });
});

describe("usage errors", () => {
  test("an argument with terminal control characters and 5,000 characters: escaped and cut in the message (exit 2)", async () => {
    const argument = `\u001b[2J\u001b]0;pwned\u0007${"x".repeat(5000)}@example.test`;
    for (const args of [["user", "clients", argument], ["user", "revoke_client", "alice@example.test", argument], ["muc", "kick", `room@chat.example.test`, argument]]) {
      const result = await user.run(args, { XMGR_MUC_KICK_AUTH: "Basic dXNlcjpwYXNz" });
      expectCleanFailure(result, 2);
      expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      expect(result.stderr).toContain("\\u001b[2J");
      expect(result.stderr).toContain("characters)");
      expect(result.stderr.length).toBeLessThan(1000);
    }
  });

  test("the command-line parser's messages (e.g. an unknown option) are made safe and cut by usageText", () => {
    const text = usageText(`error: unknown option '--bo\u001b[2Jgus${"y".repeat(5000)}'\n(run with --help for usage)`);
    expect(text).not.toMatch(/\u001b/);
    expect(text).toContain("\\x1b[2J");
    expect(text.split("\n")[0].length).toBeLessThan(400);
    expect(text.split("\n")[1]).toBe("(run with --help for usage)");
  });

  test.each(["0x10", "1e3", " 5", "5 ", "", "-1", "Infinity", "5s"])("--timeout %j is refused (exit 2): decimal numbers only", async (value) => {
    const result = await user.run(["--timeout", value, "--jid", "admin@example.test", "--server", "127.0.0.1:1", "user", "clients", "admin@example.test"], { XMGR_PASSWORD: "x-pw-1234" });
    expectCleanFailure(result, 2);
    expect(result.stderr).toMatch(/Invalid timeout/);
  });

  test("--timeout 0.5 and 2 are taken (the command goes on to connect)", async () => {
    const closed = net.createServer();
    const port = await listenOnLoopback(closed);
    await closeServer(closed);
    for (const value of ["0.5", "2", "2."]) {
      const result = await user.run(["--timeout", value, "--jid", "admin@example.test", "--server", `127.0.0.1:${port}`, "user", "clients", "admin@example.test"], { XMGR_PASSWORD: "x-pw-1234" });
      expectCleanFailure(result, 6);
    }
  });
});

describe("the man page's order of password sources", () => {
  let tb: Testbed;
  const PASSWORD = "sources-right-pw-1";
  beforeAll(async () => {
    tb = await startTestbed();
    await tb.register("alice", PASSWORD);
  });
  afterAll(async () => {
    await tb?.stop();
  });

  /** The sources as the man page lists them under "Password and Authorization sources". */
  function documentedOrder(): string[] {
    const man = readFileSync(join(repoRoot, "man", "xmgr.1"), "utf8");
    const section = man.slice(man.indexOf("The password is taken from the first of:"), man.indexOf("and a prompt without echo"));
    return [...section.matchAll(/\.BR (\\-\\-password\\-file|XMGR_PASSWORD|password_file|password) ,/g)].map((match) => match[1].replace(/\\-/g, "-"));
  }

  test("each source wins over every one listed after it", async () => {
    const order = documentedOrder();
    expect(order).toEqual(expect.arrayContaining(["--password-file", "XMGR_PASSWORD", "password_file", "password"]));
    expect(order).toHaveLength(4);
    for (let winner = 0; winner < order.length; winner++) {
      const who = await freshUser(); // no FAST token yet: the password is used
      const file = (name: string, text: string) => {
        const path = join(who.home, name);
        writeFileSync(path, `${text}\n`, { mode: 0o600 });
        return path;
      };
      const value = (index: number) => (index === winner ? PASSWORD : `wrong-${index}-pw`);
      const sources: Record<string, number> = Object.fromEntries(order.map((name, index) => [name, index]));
      const args = [...loginArgs(tb, "alice"), "user", "clients", `alice@${tb.host}`];
      const env: Record<string, string> = {};
      const config: string[] = ["[default]"];
      for (const [name, index] of Object.entries(sources)) {
        if (index < winner) continue; // sources before the winner are left out
        if (name === "--password-file") args.unshift("--password-file", file("pw-option", value(index)));
        if (name === "XMGR_PASSWORD") env.XMGR_PASSWORD = value(index);
        if (name === "password_file") config.push(`password_file = ${file("pw-config", value(index))}`);
        if (name === "password") config.push(`password = ${value(index)}`);
      }
      env.XMGR_CONFIG = file("config", config.join("\n"));
      const result = await who.run(args, env);
      expect({ winner: order[winner], code: result.code }).toEqual({ winner: order[winner], code: 0 });
    }
  });
});
