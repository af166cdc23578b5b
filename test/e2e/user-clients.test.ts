import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginSasl2, loginLegacy, stopAll, type Peer } from "../support/peers.js";
import { loginArgs, repoRoot, xmgrUser, type XmgrUser } from "../support/xmgr.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";

let tb: Testbed;
let user: XmgrUser;
let peers: Peer[] = [];
const alice = { username: "alice", password: "alice-secret-pw" };

beforeAll(async () => {
  tb = await startTestbed();
  user = await xmgrUser();
  await tb.register(alice.username, alice.password);
});

afterAll(async () => {
  await stopAll(...peers);
  await user?.cleanup();
  await tb?.stop();
});

describe("xmgr user clients (own account)", () => {
  test("lists a SASL2 client with its user agent, a legacy password client and an OAuth2 grant", async () => {
    const gajim = await loginSasl2(tb, { ...alice, userAgent: { id: "11111111-2222-3333-4444-alice0000000", software: "Gajim", device: "spike box" } });
    const legacy = await loginLegacy(tb, { ...alice, resource: "legacy-laptop" });
    peers.push(gajim, legacy);
    await tb.createGrant(alice.username, alice.password);

    const result = await user.run([...loginArgs(tb, "alice"), "--json", "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: alice.password });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const listing = JSON.parse(result.stdout);
    expect(listing.jid).toBe(`alice@${tb.host}`);
    const byId = new Map<string, any>(listing.clients.map((client: any) => [client.id, client]));

    const sasl2 = byId.get("client/11111111-2222-3333-4444-alice0000000");
    expect(sasl2).toMatchObject({ type: "session", connected: true, auth: ["password"], userAgent: { software: "Gajim", device: "spike box" } });
    expect(sasl2.firstSeen).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const grants = listing.clients.filter((client: any) => client.id.startsWith("grant/"));
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ type: "access", auth: ["grant"] });

    const legacyEntries = listing.clients.filter((client: any) => client.connected && client.id !== sasl2.id && client.id.startsWith("client/") && !client.userAgent);
    expect(legacyEntries.length).toBeGreaterThanOrEqual(1);
  });

  test("prints a table with the columns and an OK line", async () => {
    const result = await user.run([...loginArgs(tb, "alice"), "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: alice.password });
    expect(result.code).toBe(0);
    for (const title of ["ID", "Software", "Device", "First seen", "Last seen", "Connected", "Authentication"]) {
      expect(result.stdout).toContain(title);
    }
    expect(result.stdout).toContain("client/11111111-2222-3333-4444-alice0000000");
    expect(result.stdout).toContain("Gajim");
    expect(result.stdout).not.toMatch(/\u001b\[/);
    const count = (JSON.parse((await user.run([...loginArgs(tb, "alice"), "--json", "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: alice.password })).stdout).clients as unknown[]).length;
    expect(result.stderr.trim()).toBe(`OK: ${count} clients`);
  });
});

/** `xmgr user clients` as alice with test/support/runtime-probe.cjs preloaded: what it saw. */
async function probedRun(direct: boolean, name: string): Promise<{ noDelay: unknown[]; v8Flags: string[] }> {
  const probeFile = join(user.home, `${name}.json`);
  const result = await user.run([...loginArgs(tb, "alice", direct), "user", "clients", `alice@${tb.host}`], {
    XMGR_PASSWORD: alice.password,
    NODE_OPTIONS: `--require ${join(repoRoot, "test", "support", "runtime-probe.cjs")}`,
    RUNTIME_PROBE_FILE: probeFile,
  });
  expect(result.code).toBe(0);
  return JSON.parse(readFileSync(probeFile, "utf8"));
}

describe("the connection to the server", () => {
  // A request written while a whitespace keep-alive is unacknowledged would otherwise wait for the
  // server's delayed ACK, 40 ms (Nagle's algorithm); STARTTLS once missed it.
  test.each([
    ["STARTTLS", false],
    ["direct TLS", true],
  ])("has Nagle's algorithm turned off (%s)", async (_way, direct) => {
    const { noDelay } = await probedRun(direct, `nodelay-${direct}`);
    const port = direct ? tb.directTlsPort : tb.c2sPort;
    expect(noDelay).toEqual([{ socket: direct ? "TLSSocket" : "Socket", handle: direct ? "TLSWrap" : "TCP", port, enable: true }]);
  });
});

describe("the process", () => {
  test("changes no V8 setting while it runs (turning regexp tier-up off and on made Node 24 crash about one run in 800)", async () => {
    const { v8Flags } = await probedRun(false, "v8-flags");
    expect(v8Flags).toEqual([]);
  });
});
