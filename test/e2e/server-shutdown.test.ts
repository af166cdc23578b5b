/**
 * `xmgr server shutdown` on a real Prosody 13 test bed of its own, with real side effects: the
 * online user gets the server's headline, new connections are refused, and xmgr's report of
 * what happened afterwards agrees with what the test finds itself (on 13.0.1 the ad-hoc shutdown
 * leaves the process and open sessions running: xmgr must say so and exit 1).
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { readFile } from "node:fs/promises";
import net from "node:net";
import { join } from "node:path";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginLegacy, stopAll, xml, type Peer } from "../support/peers.js";
import { loginArgs, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure, jsonFailure } from "../support/expect-failure.js";
import { loadSchema, validate } from "../support/json-schema.js";

const admin = { username: "admin", password: "admin-pw-shutdown" };
const bob = { username: "bob", password: "bob-pw-shutdown" };
let tb: Testbed;
let user: XmgrUser;
let bobPeer: Peer;

const xmgr = (account: typeof admin, args: string[]): Promise<XmgrResult> =>
  user.run([...loginArgs(tb, account.username), ...args], { XMGR_PASSWORD: account.password });

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

async function processRuns(): Promise<boolean> {
  const pid = Number((await readFile(join(tb.dir, "prosody.pid"), "utf8")).trim());
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const isHeadline = (stanza: { name: string; attrs: Record<string, string | undefined> }) => stanza.name === "message" && stanza.attrs.type === "headline";

beforeAll(async () => {
  tb = await startTestbed();
  await Promise.all([tb.register(admin.username, admin.password), tb.register(bob.username, bob.password)]);
  user = await xmgrUser();
  bobPeer = await loginLegacy(tb, { ...bob, presence: true });
});

afterAll(async () => {
  await stopAll(bobPeer);
  await user?.cleanup();
  await tb?.stop();
});

test("without --yes, a delay the server does not offer is what is refused, before any confirmation (exit 2)", async () => {
  const result = await xmgr(admin, ["server", "shutdown", "--delay", "7"]);
  expectCleanFailure(result, 2);
  expect(result.stderr).toContain('Invalid --delay "7": Prosody offers only 5, 30, 60');
  expect(result.stderr).not.toContain("Not confirmed");
  expect(await acceptsConnections(tb.c2sPort)).toBe(true);
});

test("a delay the server does not offer is refused before anything is sent (exit 2): the server stays up", async () => {
  const result = await xmgr(admin, ["server", "shutdown", "--delay", "7", "--yes"]);
  expectCleanFailure(result, 2);
  expect(result.stderr).toContain("5, 30, 60, 90, 120, 180, 240, 300");
  expect((await bobPeer.iq(xml("iq", { type: "get", to: tb.host }, xml("ping", { xmlns: "urn:xmpp:ping" })))).attrs.type).toBe("result");
  expect(bobPeer.received.some(isHeadline)).toBe(false);
});

test("server shutdown --yes: the users are told, new connections are refused, and xmgr's check agrees with what really happened", async () => {
  const result = await xmgr(admin, ["--json", "server", "shutdown", "Back in ten minutes", "--delay", "5", "--yes"]);

  const headline = await bobPeer.waitFor(isHeadline);
  expect(headline.getChildText("subject")).toBe("Server is shutting down");
  expect(headline.getChildText("body")).toBe("Back in ten minutes");

  // What really happened, found without xmgr.
  const accepting = await acceptsConnections(tb.c2sPort);
  const running = await processRuns();
  const bobStillServed =
    !bobPeer.isClosed() && (await bobPeer.iq(xml("iq", { type: "get", to: tb.host }, xml("ping", { xmlns: "urn:xmpp:ping" }))).then((reply) => reply.attrs.type === "result", () => false));
  expect(accepting).toBe(false);

  const report = JSON.parse(result.stdout);
  expect(validate(loadSchema("server-shutdown.json"), report, "server-shutdown.json")).toEqual([]);
  expect(report).toMatchObject({ host: tb.host, delay: 5, serverSays: "Server is about to shut down" });
  expect(report.check).toEqual({ acceptsConnections: accepting, sessionOpen: bobStillServed });
  expect(report.complete).toBe(!accepting && !bobStillServed);
  if (report.complete) {
    expect(result.code).toBe(0);
  } else {
    // Prosody 13.0.1: the process keeps running and keeps its sessions.
    expect(running).toBe(true);
    expect(result.code).toBe(1);
    // --json: the failure is the JSON error line on stderr.
    const failure = jsonFailure(result.stderr)!;
    expect(failure.exitCode).toBe(1);
    expect(failure.message).toContain(`${tb.host} refuses new connections, but its process still runs and kept this session open`);
    expect(failure.hint).toContain("systemctl stop prosody");
  }
});
