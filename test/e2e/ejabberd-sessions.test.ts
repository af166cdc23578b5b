/**
 * Issue 24, the session and server commands on a real ejabberd 24.12 (test/support/ejabberd-testbed.ts):
 * c2s show / count / close, announce, adhoc run of the nodes whose form ejabberd declares differently,
 * and, last (it stops the instance), server shutdown. Side effects checked with real clients and ejabberdctl.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import net from "node:net";
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { startEjabberd, type EjabberdTestbed } from "../support/ejabberd-testbed.js";
import { loginLegacy, stopAll, type Peer, type XmlElement } from "../support/peers.js";
import { childPath, loginArgs, xmgrBin, xmgrUser, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";

const ADMIN_PW = "admin-secret-pw";

let ej: EjabberdTestbed;
let user: XmgrUser;
let alice: Peer;
let alicePhone: Peer;
let bob: Peer;
const peers: Peer[] = [];
const jid = (name: string) => `${name}@${ej.host}`;
const asAdmin = (args: string[]) => user.run([...loginArgs(ej, "admin"), ...args], { XMGR_PASSWORD: ADMIN_PW });
const isHeadline = (stanza: XmlElement) => stanza.name === "message" && stanza.attrs.type === "headline";

async function online(username: string, resource: string): Promise<Peer> {
  const peer = await loginLegacy(ej, { username, password: `${username}-pw`, resource, presence: true });
  peers.push(peer);
  return peer;
}

/** The full JIDs of the account's sessions, as ejabberdctl sees them. */
async function sessionsOf(username: string): Promise<string[]> {
  return (await ej.resources(username)).map((resource) => `${jid(username)}/${resource}`).sort();
}

/** Waits until ejabberdctl lists exactly `expected` for the account (a closed session leaves the server's table a moment after the client sees the close). */
async function sessionsBecome(username: string, expected: string[]): Promise<string[]> {
  const until = Date.now() + 60_000;
  for (;;) {
    const now = await sessionsOf(username);
    if (JSON.stringify(now) === JSON.stringify([...expected].sort()) || Date.now() > until) return now;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  ej = await startEjabberd();
  user = await xmgrUser();
  await Promise.all(["alice", "bob", "carol", "mallory"].map((name) => ej.register(name, `${name}-pw`)).concat(ej.register("admin", ADMIN_PW)));
  [alice, alicePhone, bob] = await Promise.all([online("alice", "laptop"), online("alice", "phone"), online("bob", "desk")]);
});

afterAll(async () => {
  await stopAll(...peers);
  await ej?.stop();
  await user?.cleanup();
});

describe("ejabberd: c2s show / count", () => {
  test("c2s show: every session with its resource and IP (from the bare online list and user-stats); show and priority blank", async () => {
    await ej.xmgrSessionsGone("admin");
    const result = await asAdmin(["--json", "c2s", "show"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const data = JSON.parse(result.stdout) as { host: string; sessions: { jid: string; resource: string; ip: string; show?: string; priority?: number }[] };
    expect(data.host).toBe(ej.host);
    const shown = data.sessions.map((s) => `${s.jid}/${s.resource}`).sort();
    expect(shown).toEqual([...(await sessionsOf("alice")), ...(await sessionsOf("bob"))].sort());
    expect(shown).toContain(alicePhone.jid);
    expect(data.sessions.every((s) => s.ip.startsWith("127.0.0.1") && s.show === undefined && s.priority === undefined)).toBe(true);
  });

  test("c2s show ACCOUNT: only that account's sessions, in the table", async () => {
    const result = await asAdmin(["c2s", "show", jid("alice")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(alice.resource);
    expect(result.stdout).toContain(alicePhone.resource);
    expect(result.stdout).not.toContain(bob.resource);
    expect(result.stderr).toBe("OK: 2 sessions\n");
  });

  test("c2s count: the sessions and accounts ejabberd holds, xmgr's own left out", async () => {
    await ej.xmgrSessionsGone("admin");
    const result = await asAdmin(["--json", "c2s", "count"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ hosts: [ej.host], accounts: 2, sessions: 3 });
    await ej.xmgrSessionsGone("admin");
    const withSelf = await asAdmin(["--json", "c2s", "count", ej.host, "--include-self"]);
    expect(JSON.parse(withSelf.stdout)).toEqual({ hosts: [ej.host], accounts: 3, sessions: 4 });
  });
});

describe("ejabberd: c2s close (field accountjid)", () => {
  test("a full JID: that session is kicked, the account's other one stays", async () => {
    const result = await asAdmin(["c2s", "close", alicePhone.jid]);
    expect(result.stderr).toBe(`OK: Closed 1 session of ${jid("alice")}: ${alicePhone.resource}\n`);
    expect(result.code).toBe(0);
    await alicePhone.closed;
    expect(await sessionsBecome("alice", [alice.jid])).toEqual([alice.jid]);
  });

  test("a resource that is not connected: exit 4, naming the ones that are (with ejabberd's .RANDOM suffix)", async () => {
    const result = await asAdmin(["c2s", "close", `${jid("alice")}/phone`]);
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain(`${jid("alice")}/phone is not connected: nothing was closed.`);
    expect(result.stderr).toContain(alice.resource);
    expect(await sessionsOf("alice")).toEqual([alice.jid]);
  });

  test("a bare JID: every session of the account is kicked", async () => {
    const mallory = [await online("mallory", "one"), await online("mallory", "two")];
    const result = await asAdmin(["c2s", "close", jid("mallory")]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^OK: Closed 2 sessions of ${jid("mallory")}: `));
    await Promise.all(mallory.map((peer) => peer.closed));
    expect(await sessionsBecome("mallory", [])).toEqual([]);
  });
});

describe("ejabberd: announce (field body)", () => {
  test("every online user gets the headline with subject and body; no count is claimed", async () => {
    const since = bob.received.length;
    const result = await asAdmin(["announce", "--subject", "Maintenance", "The server restarts at 22:00 UTC."]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`OK: Announcement sent to the online users of ${ej.host} (the server does not say how many)\n`);
    for (const peer of [bob, alice]) {
      const headline = await peer.waitFor(isHeadline, 60_000, peer === bob ? since : 0);
      expect(headline.getChildText("subject")).toBe("Maintenance");
      expect(headline.getChildText("body")).toBe("The server restarts at 22:00 UTC.");
    }
  });
});

describe("ejabberd: adhoc run of the nodes xmgr knows", () => {
  test("get-registered-users-list: a bare execute (ejabberd refuses any form there) lists every account", async () => {
    const result = await asAdmin(["--json", "adhoc", "run", "http://jabber.org/protocol/admin#get-registered-users-list"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const data = JSON.parse(result.stdout) as { status: string; fields: { var: string; values: string[] }[] };
    expect(data.status).toBe("completed");
    const listed = data.fields.find((field) => field.var === "registereduserjids")!.values.sort();
    const ctl = await ej.ctl(["registered_users", ej.host]);
    expect(listed).toEqual(ctl.stdout.trim().split("\n").map((name) => jid(name.trim())).sort());
  });

  test("get-online-users-list and get-registered-users-num work too", async () => {
    const onlineList = await asAdmin(["--json", "adhoc", "run", "http://jabber.org/protocol/admin#get-online-users-list"]);
    expect(onlineList.code).toBe(0);
    const accounts = (JSON.parse(onlineList.stdout) as { fields: { var: string; values: string[] }[] }).fields.find((field) => field.var === "onlineuserjids")!.values;
    expect(accounts).toEqual(expect.arrayContaining([jid("alice"), jid("bob")]));
    const count = await asAdmin(["--json", "adhoc", "run", "http://jabber.org/protocol/admin#get-registered-users-num"]);
    expect(count.code).toBe(0);
    const number = (JSON.parse(count.stdout) as { fields: { var: string; values: string[] }[] }).fields.find((field) => field.var === "registeredusersnum")!.values[0];
    expect(Number(number)).toBe((await ej.ctl(["registered_users", ej.host])).stdout.trim().split("\n").length);
  });

  test("end-user-session with ejabberd's own field accountjid, one round trip: the session is kicked", async () => {
    const carol = await online("carol", "web");
    // Without --yes (no terminal): refused before anything is sent, naming the account the field holds.
    const unconfirmed = await asAdmin(["adhoc", "run", "http://jabber.org/protocol/admin#end-user-session", `accountjid=${carol.jid}`]);
    expectCleanFailure(unconfirmed, 2);
    expect(unconfirmed.stderr).toContain(`! Not confirmed: End the sessions of ${carol.jid}: their clients are disconnected.`);
    expect(await sessionsOf("carol")).toEqual([carol.jid]);
    const result = await asAdmin(["adhoc", "run", "http://jabber.org/protocol/admin#end-user-session", `accountjid=${carol.jid}`, "--yes"]);
    expect(result.code).toBe(0);
    await carol.closed;
    expect(await sessionsBecome("carol", [])).toEqual([]);
  });
});

describe("ejabberd: adhoc run, the confirmation of a password change", () => {
  test("change-user-password says the old password stops working, not that sessions are closed (ejabberd keeps them)", async () => {
    const result = await asAdmin(["adhoc", "run", "http://jabber.org/protocol/admin#change-user-password", `accountjid=${jid("bob")}`]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain(`! Not confirmed: Set a new password for ${jid("bob")}: the old one stops working.`);
    expect(result.stderr).not.toMatch(/sessions are closed/);
    expect((await ej.ctl(["check_password", "bob", ej.host, "bob-pw"])).code).toBe(0);
  });
});

describe("ejabberd: adhoc run, a submitted form ejabberd rejects", () => {
  test("its item-not-found ('No hook has processed this command') reads as rejected values (exit 1), not as a missing command", async () => {
    const result = await asAdmin(["adhoc", "run", "http://jabber.org/protocol/admin#delete-user", `accountjids=${jid("nobody")}`, "--yes"]);
    expectCleanFailure(result, 1);
    expect(result.stderr).toContain(`! ${ej.host} rejected the values given to http://jabber.org/protocol/admin#delete-user: No hook has processed this command.`);
    expect(result.stderr).not.toContain("Not found: the command");
  });
});

describe("ejabberd: two runs of one profile at once", () => {
  test("a second login does not end the first (ejabberd replaces a Bind2 session of the same user-agent id): after one run of a new profile, xmgr binds the classic way there", async () => {
    const fresh = await xmgrUser();
    try {
      const asFresh = (args: string[]) => fresh.run([...loginArgs(ej, "admin"), ...args], { XMGR_PASSWORD: ADMIN_PW });
      // A first run whose command never asks which server it is: its Bind2 resource tells xmgr to find out for the next runs.
      const first = await asFresh(["server", "version"]);
      expect(first.code).toBe(0);
      const kept = JSON.parse(await readFile(join(fresh.stateDir, "default", "servers.json"), "utf8")) as Record<string, { dialect: string }>;
      expect(kept[ej.host]).toMatchObject({ dialect: "ejabberd" });
      await ej.xmgrSessionsGone("admin");

      const shell = spawn(xmgrBin, [...loginArgs(ej, "admin"), "--json", "shell"], {
        env: { PATH: childPath, ...fresh.env, XMGR_PASSWORD: ADMIN_PW },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      const lineArrived = () => new Promise<void>((resolve) => shell.stdout.once("data", () => resolve()));
      shell.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      shell.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      const exited = new Promise<number>((resolve) => shell.on("close", (code) => resolve(code ?? -1)));

      const answered = lineArrived();
      shell.stdin.write("server version\n");
      await answered;
      const [shellResource] = await ej.resources("admin");
      expect(shellResource).toMatch(/^xmgr-/);

      const oneShot = await asFresh(["--json", "server", "version"]);
      expect(oneShot.stderr).toBe("");
      expect(oneShot.code).toBe(0);
      expect(await ej.resources("admin")).toContain(shellResource);

      const second = lineArrived();
      shell.stdin.write("server version\n");
      await second;
      shell.stdin.end();
      expect(await exited).toBe(0);
      expect(stderr).not.toMatch(/logged in again|conflict|Replaced/);
      expect(stdout.trim().split("\n").map((line) => JSON.parse(line) as unknown)).toEqual([JSON.parse(oneShot.stdout), JSON.parse(oneShot.stdout)]);
    } finally {
      await fresh.cleanup();
    }
  });
});

describe("ejabberd: server shutdown (last: it stops the instance)", () => {
  test("a delay ejabberd's form does not offer is refused (exit 2), naming the ones it does; the server stays up", async () => {
    const result = await asAdmin(["server", "shutdown", "--delay", "5", "--yes"]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain("ejabberd offers only 1, 15, 30, 60");
    expect(result.stderr).not.toMatch(/prosody/i);
    expect((await ej.ctl(["status"])).code).toBe(0);
  });

  test("the delays server shutdown --help gives for ejabberd are the ones its form offers", async () => {
    const refused = await asAdmin(["server", "shutdown", "--delay", "7", "--yes"]);
    expectCleanFailure(refused, 2);
    const offered = /ejabberd offers only ([\d, ]+) seconds/.exec(refused.stderr)?.[1];
    expect(offered).toBeDefined();
    const help = await user.run(["server", "shutdown", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, " ")).toContain(`ejabberd ${offered} (default`);
  });

  test("adhoc run of running nodes/NODE/shutdown, /restart or /backup/restore is confirmed as server shutdown is: without --yes, exit 2 and the server stays up", async () => {
    const asked = { shutdown: ["delay=1", "Shut down the XMPP server you are logged in to"], restart: ["delay=1", "Restart the XMPP server you are logged in to"], "backup/restore": ["path=/nonexistent/ej.backup", "Replace the data of the XMPP server you are logged in to with the backup /nonexistent/ej.backup"] };
    for (const [command, [field, action]] of Object.entries(asked)) {
      const result = await asAdmin(["adhoc", "run", `running nodes/${ej.node}/${command}`, field]);
      expectCleanFailure(result, 2);
      expect(result.stderr).toContain(`! Not confirmed: ${action}`);
    }
    expect((await ej.ctl(["status"])).code).toBe(0);
    expect(bob.isClosed()).toBe(false);
  });

  test("running nodes/NODE/shutdown with --delay 1: the users are told, the server stops, and xmgr's check agrees", async () => {
    const since = bob.received.length;
    const result = await asAdmin(["--json", "server", "shutdown", "Back in ten minutes", "--delay", "1", "--yes"]);
    const headline = await bob.waitFor((stanza) => stanza.name === "message" && (stanza.getChildText("body") ?? "").includes("Back in ten minutes"), 60_000, since);
    expect(headline.getChildText("body")).toContain("Back in ten minutes");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { host: string; delay: number; check: { acceptsConnections: boolean; sessionOpen: boolean }; complete: boolean };
    expect(report).toMatchObject({ host: ej.host, delay: 1, check: { acceptsConnections: false, sessionOpen: false }, complete: true });
    await bob.closed;
    const accepting = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: "127.0.0.1", port: ej.c2sPort });
      socket.once("connect", () => { socket.destroy(); resolve(true); });
      socket.once("error", () => resolve(false));
    });
    expect(accepting).toBe(false);
  });
});
