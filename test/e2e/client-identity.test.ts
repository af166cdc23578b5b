/**
 * xmgr is one stable client to the server: repeated runs of the built bin/xmgr show up as ONE
 * entry in the account's client list (software "xmgr", device = this host's name), while another
 * state folder (another machine or home) or another profile is another entry. Real Prosody 13.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { hostname } from "node:os";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginSasl2, stopAll, type Peer } from "../support/peers.js";
import { loginArgs, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";

interface ListedClient {
  id: string;
  connected: boolean;
  auth: string[];
  userAgent?: { software?: string; version?: string; device?: string };
}

const PASSWORD = "identity-test-pw";

let tb: Testbed;
const users: XmgrUser[] = [];
const peers: Peer[] = [];

async function newUser(): Promise<XmgrUser> {
  const user = await xmgrUser();
  users.push(user);
  return user;
}

/** Runs `xmgr --json user clients` as `account` and returns the listing. */
async function listAs(user: XmgrUser, account: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<ListedClient[]> {
  const result: XmgrResult = await user.run([...loginArgs(tb, account), ...extraArgs, "--json", "user", "clients", `${account}@${tb.host}`], {
    XMGR_PASSWORD: PASSWORD,
    ...env,
  });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { clients: ListedClient[] }).clients;
}

const xmgrEntries = (clients: ListedClient[]) => clients.filter((client) => client.userAgent?.software === "xmgr");

beforeAll(async () => {
  tb = await startTestbed();
  await Promise.all(["alice", "bob", "carol", "dave"].map((name) => tb.register(name, PASSWORD)));
});

afterAll(async () => {
  await stopAll(...peers);
  await Promise.all(users.map((user) => user.cleanup()));
  await tb?.stop();
});

describe("xmgr's client identity", () => {
  test("three runs leave exactly one xmgr entry: software xmgr, device = host name", async () => {
    const user = await newUser();
    const first = await listAs(user, "alice");
    const second = await listAs(user, "alice");
    const third = await listAs(user, "alice");

    for (const listing of [first, second, third]) expect(xmgrEntries(listing)).toHaveLength(1);
    const [entry] = xmgrEntries(third);
    expect(entry.id).toBe(xmgrEntries(first)[0].id);
    expect(entry.id).toMatch(/^client\//);
    expect(entry.connected).toBe(true); // the run that listed is that very client
    expect(entry.userAgent).toMatchObject({ software: "xmgr", device: hostname() });
    expect(third).toHaveLength(1); // nothing else was left behind by the earlier runs either
  });

  test("for contrast: a client that sends a new random user-agent id per login (@xmpp/client's default) gets a new entry each time", async () => {
    for (let i = 0; i < 2; i++) {
      const peer = await loginSasl2(tb, { username: "bob", password: PASSWORD }); // random <user-agent id>, like @xmpp/client
      peers.push(peer);
      await peer.stop();
    }
    const listing = await listAs(await newUser(), "bob");
    const anonymous = listing.filter((client) => client.userAgent?.software !== "xmgr");
    expect(anonymous).toHaveLength(2);
    expect(new Set(anonymous.map((client) => client.id)).size).toBe(2);
    expect(xmgrEntries(listing)).toHaveLength(1);
  });

  test("another XDG_STATE_HOME (another machine or home) is another entry; each stays stable", async () => {
    const user = await newUser();
    const elsewhere = { XDG_STATE_HOME: join(user.home, "other-state") }; // same HOME and config, other state folder
    await listAs(user, "carol");
    await listAs(user, "carol", [], elsewhere);
    await listAs(user, "carol");
    const listing = await listAs(user, "carol", [], elsewhere);

    const entries = xmgrEntries(listing);
    expect(entries).toHaveLength(2);
    expect(entries[0].id).not.toBe(entries[1].id);
    for (const entry of entries) expect(entry.userAgent).toMatchObject({ software: "xmgr", device: hostname() });
  });

  test("another profile in the same state folder is another entry", async () => {
    const user = await newUser();
    await mkdir(user.configDir, { recursive: true, mode: 0o700 });
    await writeFile(join(user.configDir, "config"), `[default]\n[profile staging]\njid = dave@${tb.host}\n`, { mode: 0o600 });

    await listAs(user, "dave");
    await listAs(user, "dave", ["--profile", "staging"]);
    await listAs(user, "dave");
    const listing = await listAs(user, "dave", ["--profile", "staging"]);
    expect(xmgrEntries(listing)).toHaveLength(2);
  });
});
