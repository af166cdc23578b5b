/**
 * Issue 15's commands end to end: the built bin/xmgr against one real Prosody 13 test bed, each
 * side effect checked for real, by real clients (peers) or by the server's own prosodyctl:
 * server version/uptime/info, module list/load/unload/reload, config reload, host list/
 * activate/deactivate, s2s show, xmpp ping, announce; and the refusals: a plain user for every
 * admin command, a host admin (prosody:admin, not operator) for the operator ones, and the
 * confirmation of destructive commands without a terminal.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { readFile, writeFile } from "node:fs/promises";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginLegacy, loginSasl2, stopAll, xml, type Peer, type XmlElement } from "../support/peers.js";
import { loginArgs, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";

const admin = { username: "admin", password: "admin-pw-15" };
const hostAdmin = { username: "hostadmin", password: "hostadmin-pw-15" };
const bob = { username: "bob", password: "bob-pw-15" };
const alice = { username: "alice", password: "alice-pw-15" };
type Account = typeof admin;

let tb: Testbed;
let user: XmgrUser;
let alicePeer: Peer;
let bobPeer: Peer;

const xmgr = (account: Account, args: string[]): Promise<XmgrResult> =>
  user.run([...loginArgs(tb, account.username), ...args], { XMGR_PASSWORD: account.password });
const json = (result: XmgrResult) => {
  expect(result.stderr).not.toMatch(/^! /m);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};
/** What `prosodyctl shell COMMAND` prints after "OK: ". */
async function shellSays(command: string): Promise<string> {
  const result = await tb.prosodyctl(["shell", command]);
  expect(result.code).toBe(0);
  return /^OK: (.*)$/m.exec(result.stdout)![1];
}
const iqType = (reply: XmlElement) => reply.attrs.type;
const timeQuery = () => bobPeer.iq(xml("iq", { type: "get", to: tb.host }, xml("time", { xmlns: "urn:xmpp:time" })));
const discoOf = (to: string) => bobPeer.iq(xml("iq", { type: "get", to }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));

beforeAll(async () => {
  tb = await startTestbed();
  await Promise.all([admin, hostAdmin, bob, alice].map((account) => tb.register(account.username, account.password)));
  // A host admin who is not an operator: prosody:admin on example.test only.
  const role = await tb.prosodyctl(["shell", `user:set_role("hostadmin@${tb.host}", "${tb.host}", "prosody:admin")`]);
  expect(role.stdout).toContain("prosody:admin>");
  user = await xmgrUser();
  // alice binds over SASL2 (bind2): Prosody 13 makes her resource "phone~RANDOM".
  [alicePeer, bobPeer] = await Promise.all([loginSasl2(tb, { ...alice, resource: "phone", presence: true }), loginLegacy(tb, bob)]);
});

afterAll(async () => {
  await stopAll(alicePeer, bobPeer);
  await user?.cleanup();
  await tb?.stop();
});

describe("server version, uptime, info", () => {
  test("server version is what the server itself says (prosodyctl shell server:version())", async () => {
    const version = await shellSays("server:version()");
    const text = await xmgr(admin, ["server", "version"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`Prosody ${version} on Linux\n`);
    expect(json(await xmgr(bob, ["--json", "server", "version"]))).toEqual({ host: tb.host, name: "Prosody", version, os: "Linux" });
  });

  test("server uptime: the start time the server itself gives (prosodyctl shell server:uptime()), within rounding and the answer's travel time", async () => {
    const said = await shellSays("server:uptime()");
    const serverSince = new Date(/\(since (.*)\)/.exec(said)![1]).getTime();
    const started = Date.now();
    const result = json(await xmgr(admin, ["--json", "server", "uptime"]));
    const runMs = Date.now() - started;
    expect(result.host).toBe(tb.host);
    // Whole seconds on both sides (up to 1 s each), plus however long the answer took to reach xmgr,
    // which is at most the run's own time (a few ms when idle, more on a busy machine).
    expect(Math.abs(new Date(result.since).getTime() - serverSince)).toBeLessThanOrEqual(2000 + runMs);
    const text = await xmgr(bob, ["server", "uptime"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^${tb.host} has been running for \\d+ (second|minute)s?.* \\(since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\)\\n$`));
  });

  test("server info: identity, features and both MUC components; the XEP-0157 address once mod_server_contact_info is loaded", async () => {
    const before = json(await xmgr(admin, ["--json", "server", "info"]));
    expect(before.identities).toEqual([{ category: "server", type: "im", name: "Prosody" }]);
    expect(before.features).toEqual(expect.arrayContaining(["urn:xmpp:ping", "jabber:iq:version", "http://jabber.org/protocol/commands"]));
    expect(before.items.map((item: { jid: string }) => item.jid).sort()).toEqual([tb.mucHost, tb.mucOwnersHost]);
    expect(before.contacts).toEqual({});
    expect((await xmgr(admin, ["module", "load", "server_contact_info"])).code).toBe(0);
    const after = json(await xmgr(admin, ["--json", "server", "info"]));
    expect(after.contacts).toEqual({ "admin-addresses": [`xmpp:${tb.adminJid}`] });
    const text = await xmgr(bob, ["server", "info", tb.mucHost]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("conference/text (Prosody Chatrooms)");
    expect(text.stdout).toContain("http://jabber.org/protocol/muc");
    expectCleanFailure(await xmgr(bob, ["server", "info", "nowhere.test"]), 4);
  });
});

describe("module", () => {
  test("module list: the host's modules, sorted, as prosodyctl shell module:list() shows them", async () => {
    const listed = json(await xmgr(admin, ["--json", "module", "list"])).modules as string[];
    expect(listed).toEqual([...listed].sort());
    const shell = await tb.prosodyctl(["shell", `module:list("${tb.host}")`]);
    const shellModules = [...shell.stdout.matchAll(/^ {4}(\S+)/gm)].map((match) => match[1]);
    for (const module of shellModules) expect(listed).toContain(module);
    expect(listed).toEqual(expect.arrayContaining(["admin_adhoc", "version", "uptime"]));
  });

  test("module load time makes urn:xmpp:time answer; unload time makes it unavailable; load brings it back", async () => {
    expect(iqType(await timeQuery())).toBe("error");
    const load = await xmgr(admin, ["module", "load", "time"]);
    expect(load.code).toBe(0);
    expect(load.stderr).toContain(`OK: time loaded on ${tb.host}`);
    expect(iqType(await timeQuery())).toBe("result");

    const unload = await xmgr(admin, ["module", "unload", "time"]);
    expect(unload.code).toBe(0);
    expect(unload.stderr).toContain(`OK: time unloaded on ${tb.host}`);
    const gone = await timeQuery();
    expect(iqType(gone)).toBe("error");
    expect(gone.getChild("error")!.getChild("service-unavailable")).toBeDefined();

    expect((await xmgr(admin, ["module", "load", "time", tb.host])).code).toBe(0);
    expect(iqType(await timeQuery())).toBe("result");
    const again = await xmgr(admin, ["module", "load", "time"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("warning: time was already loaded");
  });

  test("reload of a loaded module works; of a module not loaded fails with exit 4 (unload too), changing nothing", async () => {
    const ok = json(await xmgr(admin, ["--json", "module", "reload", "version", "time"]));
    expect(ok.results).toEqual([
      { module: "version", host: tb.host, outcome: "done" },
      { module: "time", host: tb.host, outcome: "done" },
    ]);
    for (const action of ["reload", "unload"]) {
      const result = await xmgr(admin, ["module", action, "no_such_module"]);
      expectCleanFailure(result, 4);
      expect(result.stderr).toContain(`! no_such_module is not loaded on ${tb.host}`);
    }
    const missing = await xmgr(admin, ["module", "load", "no_such_module"]);
    expectCleanFailure(missing, 4);
    expect(missing.stderr).toContain("No such file or directory");
    expect(iqType(await timeQuery())).toBe("result");
  });

  test("--global needs the operator role: a host admin may list modules but not load one globally", async () => {
    expect((await xmgr(hostAdmin, ["module", "list"])).code).toBe(0);
    const refused = await xmgr(hostAdmin, ["module", "reload", "time", "--global"]);
    expectCleanFailure(refused, 5);
    expect(refused.stderr).toContain("needs the operator role");
    const global = json(await xmgr(admin, ["--json", "module", "reload", "time", "--global"]));
    expect(global).toMatchObject({ global: true, action: "reload", results: [{ module: "time", host: tb.host, outcome: "done" }] });
  });
});

describe("config reload", () => {
  test("the operator reloads the configuration: a changed option takes effect after the module's reload", async () => {
    const config = await readFile(tb.configFile, "utf8");
    await writeFile(tb.configFile, config.replace(/^http_default_host = .*$/m, (line) => `${line}\nhide_os_type = true`));
    const reload = await xmgr(admin, ["config", "reload"]);
    expect(reload.code).toBe(0);
    expect(reload.stderr).toContain("OK: Configuration reloaded");
    expect((await xmgr(admin, ["module", "reload", "version"])).code).toBe(0);
    expect(json(await xmgr(admin, ["--json", "server", "version"]))).not.toHaveProperty("os");
  });

  test("a plain user and a host admin are refused: it needs the operator role (exit 5)", async () => {
    for (const account of [bob, hostAdmin]) {
      const result = await xmgr(account, ["config", "reload"]);
      expectCleanFailure(result, 5);
      expect(result.stderr).toContain(`${account.username}@${tb.host} may not reload the configuration: it needs the operator role`);
    }
  });
});

describe("host", () => {
  test("host list: this host and both MUC components with their identities", async () => {
    const listed = json(await xmgr(bob, ["--json", "host", "list"]));
    expect(listed.hosts.map((host: { jid: string }) => host.jid).sort()).toEqual([tb.mucHost, tb.host, tb.mucOwnersHost].sort());
    expect(listed.hosts.find((host: { jid: string }) => host.jid === tb.mucHost).identities).toEqual(["conference/text (Prosody Chatrooms)"]);
  });

  test("without a terminal and --yes, host deactivate refuses (exit 2) and the component keeps answering", async () => {
    const result = await xmgr(admin, ["host", "deactivate", tb.mucHost]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain("--yes");
    expect(iqType(await discoOf(tb.mucHost))).toBe("result");
  });

  test("host deactivate makes the MUC component unreachable; activate brings it back", async () => {
    const off = await xmgr(admin, ["host", "deactivate", tb.mucHost, "--yes"]);
    expect(off.code).toBe(0);
    expect(off.stderr).toContain(`OK: ${tb.mucHost} deactivated`);
    const unreachable = await discoOf(tb.mucHost);
    expect(iqType(unreachable)).toBe("error");
    expect(unreachable.getChild("error")!.getChild("not-allowed")).toBeDefined();

    const again = await xmgr(admin, ["host", "deactivate", tb.mucHost, "--yes"]);
    expectCleanFailure(again, 4);
    expect(again.stderr).toContain(`${tb.mucHost} is not active on this server`);

    const on = await xmgr(admin, ["host", "activate", tb.mucHost]);
    expect(on.code).toBe(0);
    expect(on.stderr).toContain(`warning: ${tb.host} does not list ${tb.mucHost} now`);
    expect(on.stderr).toContain(`OK: ${tb.mucHost} activated`);
    expect(iqType(await discoOf(tb.mucHost))).toBe("result");

    const active = await xmgr(admin, ["host", "activate", tb.mucHost]);
    expectCleanFailure(active, 1);
    expect(active.stderr).toContain(`${tb.mucHost} is already active`);
    expect(active.stderr).not.toContain("warning:");
  });

  test("host activate and deactivate need the operator role: a host admin is refused (exit 5)", async () => {
    const result = await xmgr(hostAdmin, ["host", "deactivate", tb.mucHost, "--yes"]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain("needs the operator role");
    expect(iqType(await discoOf(tb.mucHost))).toBe("result");
  });
});

test("s2s show with s2s off: no connections, 0 and 0", async () => {
  const text = await xmgr(admin, ["s2s", "show"]);
  expect(text.code).toBe(0);
  expect(text.stdout).toBe("");
  expect(text.stderr).toContain(`OK: 0 incoming, 0 outgoing s2s connections on ${tb.host}`);
  expect(json(await xmgr(admin, ["--json", "s2s", "show"]))).toEqual({ host: tb.host, connections: [], incoming: 0, outgoing: 0 });
});

describe("xmpp ping", () => {
  test("the host: one reply per ping and min/avg/max", async () => {
    const result = await xmgr(bob, ["xmpp", "ping", tb.host, "-c", "3", "-i", "0"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toBe(`PING ${tb.host}`);
    expect(lines.filter((line) => line.startsWith(`reply from ${tb.host}: seq=`))).toHaveLength(3);
    expect(result.stdout).toContain("3 sent, 3 received, 0% loss");
    expect(result.stdout).toMatch(/^rtt min\/avg\/max = [\d.]+\/[\d.]+\/[\d.]+ ms$/m);
  });

  test("a real peer's bound full JID is answered by the peer itself", async () => {
    const pingsBefore = alicePeer.received.length;
    const result = json(await xmgr(admin, ["--json", "xmpp", "ping", alicePeer.jid]));
    expect(result).toMatchObject({ jid: alicePeer.jid, sent: 1, received: 1, loss: 0 });
    const ping = await alicePeer.waitFor((stanza) => stanza.name === "iq" && stanza.getChild("ping", "urn:xmpp:ping") !== undefined, 20_000, pingsBefore);
    expect(ping.attrs.from).toMatch(new RegExp(`^admin@${tb.host.replace(/\./g, "\\.")}/`));
  });

  test("an offline full JID: exit 4, and without the ~suffix the hint says how Prosody binds resources", async () => {
    const gone = await loginSasl2(tb, { ...alice, resource: "tablet" });
    const goneJid = gone.jid;
    await gone.stop();
    const offline = await xmgr(admin, ["xmpp", "ping", goneJid]);
    expect(offline.code).toBe(4);
    expect(offline.stdout).toContain("1 sent, 0 received, 100% loss");
    expect(offline.stderr).toContain(`! ${goneJid} is not reachable: service-unavailable`);
    expect(alicePeer.resource).toMatch(/^phone~/);
    const unbound = await xmgr(admin, ["xmpp", "ping", `alice@${tb.host}/phone`]);
    expect(unbound.code).toBe(4);
    expect(unbound.stderr).toContain("NAME~RANDOM");
  });

  test("a component that answers service-unavailable is up: exit 0 with a warning; a domain the server does not serve: exit 4", async () => {
    const component = await xmgr(bob, ["xmpp", "ping", tb.mucHost]);
    expect(component.code).toBe(0);
    expect(component.stdout).toContain(`service-unavailable reply from ${tb.mucHost}: seq=1`);
    expect(component.stderr).toContain("it does not support XEP-0199");
    const nowhere = await xmgr(bob, ["xmpp", "ping", "nowhere.test"]);
    expect(nowhere.code).toBe(4);
    expect(nowhere.stderr).toContain("! nowhere.test is not reachable: not-allowed");
  });

  test("a bare account JID: the server answers, and xmgr says that proves nothing about the user", async () => {
    const result = await xmgr(admin, ["xmpp", "ping", `nobody-online@${tb.host}`]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("says nothing about whether the user is online");
  });
});

test("announce reaches a real peer that sent presence, with subject and body; xmgr's own session is not counted as a recipient", async () => {
  const since = alicePeer.received.length;
  await tb.xmgrSessionsGone(`admin@${tb.host}`);
  const result = await xmgr(admin, ["announce", "--subject", "Maintenance", "Restart at 22:00,", "back soon"]);
  expect(result.code).toBe(0);
  expect(result.stderr).toMatch(new RegExp(`^OK: Announcement sent to \\d+ online users? of ${tb.host.replace(/\./g, "\\.")} \\(not counting xmgr's own session\\)$`, "m"));
  const message = await alicePeer.waitFor((stanza) => stanza.name === "message" && stanza.attrs.from === tb.host, 20_000, since);
  expect(message.attrs.type).toBe("headline");
  expect(message.getChildText("subject")).toBe("Maintenance");
  expect(message.getChildText("body")).toBe("Restart at 22:00, back soon");

  await tb.xmgrSessionsGone(`admin@${tb.host}`);
  const json = await xmgr(admin, ["--json", "announce", "again"]);
  expect(json.code).toBe(0);
  const counted = JSON.parse(json.stdout) as { sentTo: number; serverCount: number };
  expect(counted.serverCount - counted.sentTo).toBe(1);
  expect(counted.sentTo).toBeGreaterThanOrEqual(2); // alice and bob are online
});

describe("a plain user is refused every admin command (exit 5, nothing done)", () => {
  test.each([
    [["module", "list"], "needs a server admin"],
    [["module", "load", "time"], "needs a server admin"],
    [["module", "unload", "time"], "needs a server admin"],
    [["module", "reload", "time"], "needs a server admin"],
    [["s2s", "show"], "needs a server admin"],
    [["announce", "hello"], "needs a server admin"],
    [["host", "activate", "chat.example.test"], "needs the operator role"],
    [["host", "deactivate", "chat.example.test", "--yes"], "needs the operator role"],
    [["server", "shutdown", "--yes"], "needs the operator role"],
  ])("%s", async (args, says) => {
    const result = await xmgr(bob, args as string[]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain(says);
  });

  test("…and nothing changed: time still loaded, the component still answers, the server still up", async () => {
    expect(iqType(await timeQuery())).toBe("result");
    expect(iqType(await discoOf(tb.mucHost))).toBe("result");
    expect(alicePeer.isClosed()).toBe(false);
  });
});

test("without a terminal and --yes, server shutdown refuses (exit 2) and the server stays up", async () => {
  const result = await xmgr(admin, ["server", "shutdown", "Going down"]);
  expectCleanFailure(result, 2);
  expect(result.stderr).toContain("Not confirmed: Shut down");
  expect((await xmgr(bob, ["xmpp", "ping", tb.host])).code).toBe(0);
});
