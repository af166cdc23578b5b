/**
 * A TLS-terminating relay on loopback whose certificate xmgr trusts (an interceptor: a corporate
 * proxy, a stolen CA key) between xmgr and a real Prosody 13 (issue 11):
 * - FAST is bound to the TLS channel (HT-SHA-256-EXPR): the proof xmgr sends through the relay,
 *   which the relay passes on over its own connection to the real server, does not log in.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { makeCertificate, type Certificate } from "../support/hostile.js";
import { tlsRelay } from "../support/relay.js";
import { loginArgs, xmgrUser, type XmgrUser } from "../support/xmgr.js";

const PASSWORD = "relay-must-never-log-in-9";

let tb: Testbed;
let dir: string;
let cert: Certificate;
const users: XmgrUser[] = [];
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xmgr-relay-"));
  [tb, cert] = await Promise.all([startTestbed(), makeCertificate(dir, ["example.test"])]);
  await tb.register("alice", PASSWORD);
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await Promise.all(users.map((user) => user.cleanup()));
  await tb?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function freshUser(): Promise<XmgrUser> {
  const user = await xmgrUser();
  users.push(user);
  return user;
}

async function relay(rewriteDown?: (text: string) => string) {
  const started = await tlsRelay({ cert, upstreamPort: tb.directTlsPort, upstreamCa: tb.caFile, servername: tb.host, rewriteDown });
  closers.push(() => started.close());
  return started;
}

const throughRelay = (port: number) => ["--jid", `alice@${tb.host}`, "--server", `xmpps://127.0.0.1:${port}`, "--ca", cert.certFile];

describe("FAST bound to the channel", () => {
  test("xmgr asks for and saves a token bound to the TLS channel (HT-SHA-256-EXPR) when the server offers it", async () => {
    const user = await freshUser();
    const result = await user.run([...loginArgs(tb, "alice", true), "-v", "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/<request-token xmlns="urn:xmpp:fast:0" mechanism="HT-SHA-256-EXPR"/);
    const token = JSON.parse(readFileSync(join(user.stateDir, "default", `fast-token-alice@${tb.host}.json`), "utf8"));
    expect(token.mechanism).toBe("HT-SHA-256-EXPR");
  });

  test("a FAST proof captured by a TLS-terminating relay does not log in on the relay's own connection to the real server", async () => {
    const user = await freshUser();
    expect((await user.run([...loginArgs(tb, "alice", true), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD })).code).toBe(0);
    const relayed = await relay();
    // No password anywhere: only the saved token can log in.
    const result = await user.run([...throughRelay(relayed.port), "-v", "user", "clients", `alice@${tb.host}`]);
    expect(result.code).not.toBe(0);
    const sent = relayed.fromClient();
    expect(sent).toMatch(/<authenticate [^>]*mechanism="HT-SHA-256-EXPR"[^>]*><initial-response>[^<]+<\/initial-response>/);
    // The relay passed the proof on to the real server over its own TLS connection: refused.
    expect(relayed.fromServer()).toMatch(/<failure xmlns=['"]urn:xmpp:sasl:2['"]><not-authorized/);
    expect(relayed.fromServer()).not.toMatch(/<success xmlns=['"]urn:xmpp:sasl:2/);
    expect(result.stdout).toBe("");
  });
});
