// xmgr logs in with each mechanism the server offers, prefers channel binding, and keeps,
// uses, replaces and forgets its FAST token as issue 4 describes.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginArgs, xmgrUser, type XmgrUser } from "../support/xmgr.js";

const alice = { username: "alice", password: "alice-mechanisms-pw" };
const beds: Testbed[] = [];
const users: XmgrUser[] = [];

async function bed(extraHostConfig = "", omitHostModules: string[] = []): Promise<Testbed> {
  const tb = await startTestbed({ extraHostConfig, omitHostModules });
  beds.push(tb);
  await tb.register(alice.username, alice.password);
  return tb;
}

async function freshUser(): Promise<XmgrUser> {
  const user = await xmgrUser();
  users.push(user);
  return user;
}

/** The mechanisms xmgr tried, in order, read from its -v trace of <authenticate>/<auth>. */
function mechanismsUsed(stderr: string): string[] {
  return [...stderr.matchAll(/SEND <(?:authenticate|auth) [^>]*mechanism="([^"]+)"/g)].map((match) => match[1]);
}
const mechanismUsed = (stderr: string) => mechanismsUsed(stderr)[0];

async function list(tb: Testbed, user: XmgrUser, options: { direct?: boolean; env?: Record<string, string> } = {}) {
  return user.run([...loginArgs(tb, "alice", options.direct), "-v", "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: alice.password, ...options.env });
}

let standard: Testbed;

beforeAll(async () => {
  standard = await bed();
});

afterAll(async () => {
  await Promise.all(users.map((user) => user.cleanup()));
  await Promise.all(beds.map((tb) => tb.stop()));
});

describe("SASL mechanisms against the real server", () => {
  test("SCRAM-SHA-1-PLUS (channel binding) is used when offered, over STARTTLS and direct TLS", async () => {
    for (const direct of [false, true]) {
      const result = await list(standard, await freshUser(), { direct });
      expect(result.code).toBe(0);
      expect(mechanismUsed(result.stderr)).toBe("SCRAM-SHA-1-PLUS");
    }
  });

  test("plain SCRAM-SHA-1 when the server does not offer -PLUS", async () => {
    const tb = await bed(`disable_sasl_mechanisms = { "SCRAM-SHA-1-PLUS", "DIGEST-MD5" }`);
    const result = await list(tb, await freshUser());
    expect(result.code).toBe(0);
    expect(mechanismUsed(result.stderr)).toBe("SCRAM-SHA-1");
  });

  test("PLAIN over TLS when the server offers nothing better", async () => {
    const tb = await bed(`disable_sasl_mechanisms = { "SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", "DIGEST-MD5" }`);
    const result = await list(tb, await freshUser());
    expect(result.code).toBe(0);
    expect(mechanismUsed(result.stderr)).toBe("PLAIN");
  });

  test("legacy SASL and resource binding when the server has no SASL2", async () => {
    const tb = await bed("", ["sasl2", "sasl2_bind2", "sasl2_fast"]);
    const result = await list(tb, await freshUser());
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/SEND <auth [^>]*mechanism="SCRAM-SHA-1-PLUS"/);
    expect(result.stderr).toMatch(/<bind xmlns="urn:ietf:params:xml:ns:xmpp-bind">/);
  });
});

describe("FAST", () => {
  test("a password login saves a token (0600 in a 0700 folder); the next run logs in with it and needs no password", async () => {
    const user = await freshUser();
    const first = await list(standard, user);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/<request-token xmlns="urn:xmpp:fast:0"/);
    const profileDir = join(user.stateDir, "default");
    const tokenFile = readdirSync(profileDir).find((name) => name.startsWith("fast-token-"));
    expect(tokenFile).toBeDefined();
    expect(statSync(join(profileDir, tokenFile!)).mode & 0o777).toBe(0o600);
    expect(statSync(profileDir).mode & 0o777).toBe(0o700);

    const second = await list(standard, user, { env: { XMGR_PASSWORD: "" } });
    expect(second.code).toBe(0);
    expect(mechanismUsed(second.stderr)).toBe("HT-SHA-256-EXPR");
    expect(second.stderr).not.toContain(JSON.parse(readFileSync(join(profileDir, tokenFile!), "utf8")).token);
  });

  test("a token the server refuses is dropped and the password is used in the same run", async () => {
    const user = await freshUser();
    expect((await list(standard, user)).code).toBe(0);
    const profileDir = join(user.stateDir, "default");
    const tokenPath = join(profileDir, readdirSync(profileDir).find((name) => name.startsWith("fast-token-"))!);
    const saved = JSON.parse(readFileSync(tokenPath, "utf8"));
    const { writeFileSync } = await import("node:fs");
    writeFileSync(tokenPath, JSON.stringify({ ...saved, token: "not-the-real-token" }), { mode: 0o600 });

    const result = await list(standard, user);
    expect(result.code).toBe(0);
    expect(mechanismsUsed(result.stderr)).toEqual(["HT-SHA-256-EXPR", "SCRAM-SHA-1-PLUS"]);
    const replaced = JSON.parse(readFileSync(tokenPath, "utf8"));
    expect(replaced.token).not.toBe("not-the-real-token");
  });

  test("a saved unbound (HT-SHA-256-NONE) token is not sent where a channel-bound mechanism is offered: password login, bound token saved", async () => {
    const user = await freshUser();
    expect((await list(standard, user)).code).toBe(0);
    const profileDir = join(user.stateDir, "default");
    const tokenPath = join(profileDir, readdirSync(profileDir).find((name) => name.startsWith("fast-token-"))!);
    const saved = JSON.parse(readFileSync(tokenPath, "utf8"));
    const { writeFileSync } = await import("node:fs");
    writeFileSync(tokenPath, JSON.stringify({ ...saved, mechanism: "HT-SHA-256-NONE" }), { mode: 0o600 });

    const result = await list(standard, user);
    expect(result.code).toBe(0);
    expect(mechanismsUsed(result.stderr)).toEqual(["SCRAM-SHA-1-PLUS"]);
    expect(JSON.parse(readFileSync(tokenPath, "utf8")).mechanism).toBe("HT-SHA-256-EXPR");
  });

  test("xmgr logout deletes the token and the server revokes it", async () => {
    const user = await freshUser();
    expect((await list(standard, user)).code).toBe(0);
    const profileDir = join(user.stateDir, "default");
    const tokenPath = join(profileDir, readdirSync(profileDir).find((name) => name.startsWith("fast-token-"))!);
    const saved = readFileSync(tokenPath, "utf8");

    const logout = await user.run([...loginArgs(standard, "alice"), "logout"], { XMGR_PASSWORD: alice.password });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain("OK: Logged out");
    expect(readdirSync(profileDir).some((name) => name.startsWith("fast-token-"))).toBe(false);

    // Put the old token back: the server must refuse it now, so xmgr falls back to the password.
    const { writeFileSync } = await import("node:fs");
    writeFileSync(tokenPath, saved, { mode: 0o600 });
    const after = await list(standard, user);
    expect(after.code).toBe(0);
    expect(mechanismsUsed(after.stderr)).toEqual(["HT-SHA-256-EXPR", "SCRAM-SHA-1-PLUS"]);
  });
});
