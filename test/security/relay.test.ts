/**
 * A TLS-terminating relay on loopback whose certificate xmgr trusts (an interceptor: a corporate
 * proxy, a stolen CA key) between xmgr and a real Prosody 13 (issue 11):
 * - FAST is bound to the TLS channel (HT-SHA-256-EXPR): the proof xmgr sends through the relay,
 *   which the relay passes on over its own connection to the real server, does not log in.
 * - downgrade pinning: a relay that strips SCRAM-PLUS and FAST (offering PLAIN only) after xmgr
 *   has seen them gets no password, and xmgr exits 7 naming the pin file to reset.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdtemp, rm } from "node:fs/promises";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { makeCertificate, type Certificate } from "../support/hostile.js";
import { tlsRelay } from "../support/relay.js";
import { loginArgs, xmgrUser, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";

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

/** The relay's rewrite of an interceptor that wants the password: PLAIN only, no FAST. */
const plainOnly = (text: string) =>
  text.replace(/<mechanism>(?!PLAIN<)[^<]*<\/mechanism>/g, "").replace(/<fast xmlns=['"]urn:xmpp:fast:0['"]>.*?<\/fast>/g, "");

describe("downgrade pinning", () => {
  const loginArgsAlice = () => loginArgs(tb, "alice", true);
  const pinFile = (user: XmgrUser) => join(user.stateDir, "default", `login-pin-alice@${tb.host}.json`);
  const tokenFile = (user: XmgrUser) => join(user.stateDir, "default", `fast-token-alice@${tb.host}.json`);
  const passwordSent = (text: string) =>
    text.includes(PASSWORD) || text.includes(Buffer.from(`\0alice\0${PASSWORD}`).toString("base64")) || /<auth(enticate)? [^>]*mechanism="PLAIN"/.test(text);

  test("control: with nothing pinned, the relay that offers PLAIN only gets the password (what the pin prevents)", async () => {
    const user = await freshUser();
    const relayed = await relay(plainOnly);
    const result = await user.run([...throughRelay(relayed.port), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD });
    expect(result.code).toBe(0);
    expect(passwordSent(relayed.fromClient())).toBe(true);
  });

  test("after xmgr has seen SCRAM-PLUS, SASL2 and bound FAST, a relay offering PLAIN only gets no password: exit 7, the message says what changed and how to reset the pin", async () => {
    const user = await freshUser();
    expect((await user.run([...loginArgsAlice(), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD })).code).toBe(0);
    expect(JSON.parse(readFileSync(pinFile(user), "utf8"))).toEqual({ sasl2: true, scramPlus: true, fastBound: true });
    rmSync(tokenFile(user)); // the pin alone must hold

    const relayed = await relay(plainOnly);
    const result = await user.run([...throughRelay(relayed.port), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(result, 7);
    expect(result.stderr).toMatch(/no longer offers SCRAM with channel binding \(-PLUS\), FAST with channel binding/);
    expect(result.stderr).toContain(`rm '${pinFile(user)}'`);
    expect(passwordSent(relayed.fromClient())).toBe(false);
    expect(relayed.fromClient()).not.toMatch(/<auth(enticate)? /);
  });

  test("with a FAST token kept (and no pin), PLAIN gets no password either: exit 7", async () => {
    const user = await freshUser();
    expect((await user.run([...loginArgsAlice(), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD })).code).toBe(0);
    rmSync(pinFile(user));
    expect(existsSync(tokenFile(user))).toBe(true);

    const relayed = await relay(plainOnly);
    const result = await user.run([...throughRelay(relayed.port), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(result, 7);
    expect(result.stderr).toMatch(/PLAIN/);
    expect(result.stderr).toContain("xmgr logout");
    expect(passwordSent(relayed.fromClient())).toBe(false);
  });

  test("deleting the pin file resets it: the next login is allowed again and pins afresh", async () => {
    const user = await freshUser();
    expect((await user.run([...loginArgsAlice(), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD })).code).toBe(0);
    rmSync(pinFile(user));
    rmSync(tokenFile(user));
    const relayed = await relay(plainOnly);
    const result = await user.run([...throughRelay(relayed.port), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD });
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(pinFile(user), "utf8"))).toEqual({ sasl2: true, scramPlus: false, fastBound: false });
  });
});

describe("one pin and one FAST token per account, however its JID is typed (issue 22)", () => {
  const shouted = () => `ALICE@Example.TEST`;
  const shoutedThroughRelay = (port: number) => ["--jid", shouted(), "--server", `xmpps://127.0.0.1:${port}`, "--ca", cert.certFile];
  // The per-account files (client-id and servers.json are per profile and per host).
  const stateFiles = (user: XmgrUser) => readdirSync(join(user.stateDir, "default")).filter((name) => name !== "client-id" && name !== "servers.json").sort();

  test("after a login as alice@example.test, a run as ALICE@Example.TEST through a relay offering PLAIN only is refused by the pin: exit 7, no password sent, no second pin", async () => {
    const user = await freshUser();
    expect((await user.run([...loginArgs(tb, "alice", true), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD })).code).toBe(0);
    rmSync(join(user.stateDir, "default", `fast-token-alice@${tb.host}.json`)); // the pin alone must hold

    const relayed = await relay(plainOnly);
    const result = await user.run([...shoutedThroughRelay(relayed.port), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(result, 7);
    expect(result.stderr).toContain(`rm '${join(user.stateDir, "default", `login-pin-alice@${tb.host}.json`)}'`);
    expect(relayed.fromClient()).not.toMatch(/<auth(enticate)? /);
    expect(relayed.fromClient()).not.toContain(PASSWORD);
    expect(stateFiles(user)).toEqual([`login-pin-alice@${tb.host}.json`]);
  });

  test("the FAST token saved by a login as alice@example.test logs in a run as ALICE@Example.TEST, with no password", async () => {
    const user = await freshUser();
    expect((await user.run([...loginArgs(tb, "alice", true), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD })).code).toBe(0);
    const result = await user.run(["--jid", shouted(), "--server", `xmpps://127.0.0.1:${tb.directTlsPort}`, "--ca", tb.caFile, "-v", "user", "clients", `alice@${tb.host}`]);
    expect({ code: result.code, stderr: result.stderr.split("\n").filter((line) => !/^(SEND|RECV|OK:) /.test(line)) }).toEqual({ code: 0, stderr: [""] });
    expect(result.stderr).toMatch(/<authenticate [^>]*mechanism="HT-SHA-256-EXPR"/);
    expect(stateFiles(user)).toEqual([`fast-token-alice@${tb.host}.json`, `login-pin-alice@${tb.host}.json`]);
  });
});

describe("--insecure", () => {
  test("its warning says what it risks: the password and a reusable login proof, to anyone who poses as the server", async () => {
    const user = await freshUser();
    const relayed = await relay();
    const result = await user.run(["--jid", `alice@${tb.host}`, "--server", `xmpps://127.0.0.1:${relayed.port}`, "--insecure", "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: PASSWORD });
    expect(result.stderr).toMatch(/^warning: --insecure: .*pose as the server.*password.*reusable FAST login proof/m);
  });
});
