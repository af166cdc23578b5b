/**
 * `xmgr muc kick` end to end: the built bin/xmgr POSTs to the muc_kick endpoint of a real
 * Prosody 13 test bed (mod_http_muc_kick stand-in on the MUC component); a real peer in the
 * room gets kicked. Every answer of transcripts/muc-kick-http.txt gets its exit code and message,
 * and the Authorization value never shows in xmgr's output, not even with -v.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import http from "node:http";
import { networkInterfaces } from "node:os";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginLegacy, stopAll, type Peer } from "../support/peers.js";
import { xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";

let tb: Testbed;
let user: XmgrUser;
let bob: Peer;
let carol: Peer;

/** The HTTPS endpoint by the MUC component's name, reached at 127.0.0.1 (Host and SNI = chat.example.test). */
const httpsArgs = () => ["--url", `https://${tb.mucHost}:${tb.httpsPort}/muc_kick`, "--http-server", "127.0.0.1"];
const room = (name: string) => `${name}@${tb.mucHost}`;

/** The Authorization value, its base64 part, or the decoded credentials appear nowhere in the output. */
function expectNoAuthorization(result: XmgrResult): void {
  const secretPart = tb.mucKickAuth.replace(/^Basic /, "");
  for (const text of [result.stdout, result.stderr]) {
    expect(text).not.toContain(secretPart);
    expect(text).not.toContain(Buffer.from(secretPart, "base64").toString());
  }
}

/** Runs `xmgr muc kick …` (Authorization from XMGR_MUC_KICK_AUTH unless env says otherwise); every run is checked for the secret. */
async function kick(args: string[], env: Record<string, string> = { XMGR_MUC_KICK_AUTH: tb.mucKickAuth }): Promise<XmgrResult> {
  const result = await user.run(["muc", "kick", ...args], env);
  expectNoAuthorization(result);
  return result;
}

/** A plain HTTP server that records every request and answers 200 with an empty body, as a kick does. */
async function recordingServer(host: string): Promise<{ port: number; requests: http.IncomingMessage[]; connections: () => number; close(): Promise<void> }> {
  const requests: http.IncomingMessage[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    requests.push(req);
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-length": "0" }).end());
  });
  server.on("connection", () => { connections++; });
  const port = await listenOnLoopback(server, host);
  return {
    port,
    requests,
    connections: () => connections,
    close: () => closeServer(server),
  };
}

beforeAll(async () => {
  tb = await startTestbed();
  user = await xmgrUser();
  await Promise.all([tb.register("bob", "bob-pw"), tb.register("carol", "carol-pw")]);
  [bob, carol] = await Promise.all([
    loginLegacy(tb, { username: "bob", password: "bob-pw" }),
    loginLegacy(tb, { username: "carol", password: "carol-pw" }),
  ]);
  // carol keeps room2 alive for the "no such occupant" case.
  await carol.joinRoom(room("room2"), "Carol");
});

afterAll(async () => {
  await stopAll(bob, carol);
  await user?.cleanup();
  await tb?.stop();
});

describe("xmgr muc kick", () => {
  test("kicks a real occupant over HTTPS with --ca: status 307 and the reason reach them, OK line, exit 0", async () => {
    await bob.joinRoom(room("room1"), "Bob");
    const kicked = bob.waitForKick(room("room1"), "Bob");

    const result = await kick(["-v", "--ca", tb.caFile, ...httpsArgs(), room("room1"), "Bob", "Spamming the room"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`OK: Kicked Bob from ${room("room1")}`);

    const { statuses, reason } = await kicked;
    expect(statuses).toContain("307");
    expect(reason).toBe("Spamming the room");
  });

  test("--auth-file (mode 600) and --json work over plain http on loopback with the MUC's Host", async () => {
    const authFile = join(user.home, "kick-auth");
    await writeFile(authFile, `${tb.mucKickAuth}\n`, { mode: 0o600 });
    await carol.joinRoom(room("room3"), "Carol3");
    const kicked = carol.waitForKick(room("room3"), "Carol3");

    const result = await kick(
      ["--json", "--url", `http://${tb.mucHost}:${tb.httpPort}/muc_kick`, "--http-server", "127.0.0.1", "--auth-file", authFile, room("room3"), "Carol3", "bye"],
      {},
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ room: room("room3"), nick: "Carol3", kicked: true });
    expect((await kicked).reason).toBe("bye");
  });

  test("no occupant with that nick: exit 4, names the nickname", async () => {
    const result = await kick(["--ca", tb.caFile, ...httpsArgs(), room("room2"), "Nobody"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("Nobody");
    expect(result.stderr).toContain(room("room2"));
    expect(carol.isClosed()).toBe(false);
  });

  test("no such room: exit 4, with the server's reason", async () => {
    const result = await kick(["--ca", tb.caFile, ...httpsArgs(), room("nosuchroom"), "Bob"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("No MUC 'nosuchroom' found");
  });

  test("a host that is not a MUC service: exit 4, with the server's reason", async () => {
    const result = await kick(["--ca", tb.caFile, ...httpsArgs(), `x@${tb.host}`, "Bob"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain(`Host '${tb.host}' is not a MUC service`);
  });

  test("a host the server does not serve: exit 4, with the server's reason", async () => {
    const result = await kick(["--ca", tb.caFile, ...httpsArgs(), "x@nohost.test", "Bob"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("No such host: nohost.test");
  });

  test("a wrong Authorization value: exit 3, says it does not match the server's", async () => {
    const wrong = "Basic bm9wZTpub3Bl";
    const result = await kick(["-v", "--ca", tb.caFile, ...httpsArgs(), room("room2"), "Carol"], { XMGR_MUC_KICK_AUTH: wrong });
    expectCleanFailure(result, 3);
    expect(result.stderr).toMatch(/Authorization/);
    expect(result.stderr).toMatch(/match/);
    expect(result.stderr).not.toContain(wrong);
    expect(result.stderr).not.toContain("bm9wZTpub3Bl");
    expect(carol.isClosed()).toBe(false);
  });

  test("no Host serves /muc_kick (Host 127.0.0.1): HTML 404 -> exit 4, nothing serves /muc_kick there", async () => {
    const result = await kick(["--url", `http://127.0.0.1:${tb.httpPort}/muc_kick`, room("room2"), "Carol"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toMatch(/Nothing serves \/muc_kick/i);
    expect(result.stderr).not.toMatch(/<html|<!DOCTYPE/i);
  });

  test("the module is not loaded on the host named by the URL: HTML 404 -> exit 4, nothing serves /muc_kick there", async () => {
    // example.test is on the certificate and served, but has no mod_http_muc_kick.
    const result = await kick(["--ca", tb.caFile, "--url", `https://${tb.host}:${tb.httpsPort}/muc_kick`, "--http-server", "127.0.0.1", room("room2"), "Carol"]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toMatch(/Nothing serves \/muc_kick/i);
    expect(carol.isClosed()).toBe(false);
  });

  test("plain http:// to a host that is not loopback is refused (exit 2) and no request is made", async () => {
    const address = Object.values(networkInterfaces()).flat().find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    expect(address).toBeDefined(); // a machine that runs these tests has a non-loopback interface
    const server = await recordingServer(address!);
    try {
      const url = `http://${address}:${server.port}/muc_kick`;
      const refused = await kick(["-v", "--url", url, room("room2"), "Carol"]);
      expectCleanFailure(refused, 2);
      expect(refused.stderr).toMatch(/plain http/i);
      expect(server.connections()).toBe(0);

      // The same command with the explicit opt-in does reach that server: only the refusal stopped it.
      const allowed = await kick(["--allow-plain-http", "--url", url, room("room2"), "Carol"]);
      expect(allowed.code).toBe(0);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0].headers.authorization).toBe(tb.mucKickAuth);
    } finally {
      await server.close();
    }
  });

  test("no Authorization value configured and no terminal: exit 2, says where to put it", async () => {
    const result = await kick(["--ca", tb.caFile, ...httpsArgs(), room("room2"), "Carol"], {});
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain("XMGR_MUC_KICK_AUTH");
    expect(carol.isClosed()).toBe(false);
  });

  test("an --auth-file others can read is refused with the chmod that fixes it (exit 2)", async () => {
    const authFile = join(user.home, "kick-auth-open");
    await writeFile(authFile, `${tb.mucKickAuth}\n`);
    await chmod(authFile, 0o644);
    const result = await kick(["--ca", tb.caFile, ...httpsArgs(), "--auth-file", authFile, room("room2"), "Carol"], {});
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain(`chmod 600`);
  });

  test("an untrusted HTTPS certificate without --ca: exit 7, names --ca", async () => {
    const result = await kick(["-v", ...httpsArgs(), room("room2"), "Carol"]);
    expectCleanFailure(result, 7);
    expect(result.stderr).toMatch(/certificate/i);
    expect(result.stderr).toContain("--ca");
    expect(carol.isClosed()).toBe(false);
  });

  test("the Authorization value never appears in stdout or stderr with -v, on success and on failure", async () => {
    const authFile = join(user.home, "kick-auth-v");
    await writeFile(authFile, `${tb.mucKickAuth}\n`, { mode: 0o600 });
    await carol.joinRoom(room("room4"), "Carol4");
    const kicked = carol.waitForKick(room("room4"), "Carol4");

    const success = await kick(["-v", "--ca", tb.caFile, ...httpsArgs(), room("room4"), "Carol4", "verbose kick"]);
    expect(success.code).toBe(0);
    await kicked;
    const fromFile = await kick(["-v", "--ca", tb.caFile, ...httpsArgs(), "--auth-file", authFile, room("room4"), "Carol4"], {});
    expect(fromFile.code).toBe(4); // she is gone now
    const notServed = await kick(["-v", "--url", `http://127.0.0.1:${tb.httpPort}/muc_kick`, room("room2"), "Carol"]);
    expect(notServed.code).toBe(4);

    for (const result of [success, fromFile, notServed]) {
      expect(result.stderr).toMatch(/POST .*muc_kick/); // -v did trace the request, with the secret left out
      expect(result.stderr).toMatch(/HTTP (200|400|404)/);
      expectNoAuthorization(result);
    }
  });
});
