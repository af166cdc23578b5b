/**
 * Secrets (issue 6): every command of the built bin/xmgr, on success and on each failure, with -v,
 * against a real Prosody test bed and against scripted servers that echo secrets back; the
 * password, the FAST token and the muc_kick Authorization value must appear nowhere in stdout or
 * stderr. Also: no option takes a secret on the command line, files xmgr writes are 0600 in 0700
 * folders even under umask 000, and state or config files others can read are refused with the fix.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { chmod, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginLegacy, stopAll, type Peer } from "../support/peers.js";
import { childPath, loginArgs, xmgrBin, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { makeCertificate, scriptedLoginArgs, scriptedXmppServer, SCRIPTED_ADMIN, type Certificate } from "../support/hostile.js";

const PASSWORD = "admin-Secret-pw-91";
const WRONG_PASSWORD = "not-the-password-37";
const ALICE_PASSWORD = "alice-Secret-pw-55";

let tb: Testbed;
let user: XmgrUser; // keeps its state (client id, FAST token) across the runs of this file
let cert: Certificate;
let admin: string;
let alice: string;
const peers: Peer[] = [];
const users: XmgrUser[] = [];
const closers: Array<() => Promise<void>> = [];
/** Every FAST token any run of this file was given (collected from the state folders after each run). */
const tokens = new Set<string>();

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** The forms a secret could take in the output, with a name to report instead of the value. */
function secretForms(extra: Record<string, string> = {}): Array<[string, string]> {
  const credential = tb.mucKickAuth.replace(/^Basic /, "");
  return [
    ["password", PASSWORD],
    ["password (base64)", b64(PASSWORD)],
    ["SASL PLAIN message", b64(`\0admin\0${PASSWORD}`)],
    ["SASL PLAIN message (JID)", b64(`\0${admin}\0${PASSWORD}`)],
    ["wrong password", WRONG_PASSWORD],
    ["Authorization value", tb.mucKickAuth],
    ["Authorization credentials", credential],
    ["Authorization credentials (decoded)", Buffer.from(credential, "base64").toString()],
    ...[...tokens].map((token, n): [string, string] => [`FAST token ${n + 1}`, token]),
    ...Object.entries(extra),
  ];
}

async function collectTokens(): Promise<void> {
  for (const who of users) {
    const entries = await readdir(who.stateDir, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.startsWith("fast-token-")) continue;
      const text = await readFile(join(entry.parentPath, entry.name), "utf8").catch(() => "");
      try {
        tokens.add((JSON.parse(text) as { token: string }).token);
      } catch {
        // not a token file xmgr wrote
      }
    }
  }
}

/** Runs xmgr, then checks the output for every secret known so far (tokens included). */
async function run(label: string, who: XmgrUser, args: string[], env: Record<string, string>, code: number, extra: Record<string, string> = {}): Promise<XmgrResult> {
  const result = await who.run(args, env);
  await collectTokens();
  const leaks = secretForms(extra).filter(([, value]) => result.stdout.includes(value) || result.stderr.includes(value));
  expect({ label, leaks: leaks.map(([name]) => name) }).toEqual({ label, leaks: [] });
  expect({ label, code: result.code, stderr: result.code === code ? "" : result.stderr }).toEqual({ label, code, stderr: "" });
  expect(result.stderr).not.toMatch(/\n\s+at |Error:/);
  return result;
}

/** xmgr -v as the admin of the test bed (password from the environment unless `env` says otherwise). */
const asAdmin = (label: string, who: XmgrUser, args: string[], code: number, env: Record<string, string> = { XMGR_PASSWORD: PASSWORD }) =>
  run(label, who, ["-v", ...loginArgs(tb, "admin"), ...args], env, code);

async function freshUser(): Promise<XmgrUser> {
  const fresh = await xmgrUser();
  users.push(fresh);
  return fresh;
}

async function listen(server: net.Server): Promise<number> {
  closers.push(() => closeServer(server));
  return listenOnLoopback(server);
}

beforeAll(async () => {
  tb = await startTestbed();
  admin = tb.adminJid;
  alice = `alice@${tb.host}`;
  user = await freshUser();
  cert = await makeCertificate(user.home, ["example.test"]);
  await Promise.all([tb.register("admin", PASSWORD), tb.register("alice", ALICE_PASSWORD), tb.register("bob", "bob-pw-1234")]);
});

afterAll(async () => {
  await stopAll(...peers);
  await Promise.all(closers.map((close) => close()));
  await Promise.all(users.map((who) => who.cleanup()));
  await tb?.stop();
});

describe("no secret in the output of any command, on success or failure, with -v", () => {
  test("user clients: password login, then FAST, another account, no such account, wrong password, connection failures", async () => {
    const first = await asAdmin("clients, password login", user, ["user", "clients", admin], 0);
    expect(first.stderr).toMatch(/SEND <authenticate [^>]*mechanism="SCRAM-SHA-1-PLUS"/);
    expect(first.stderr).toMatch(/<token [^>]*token="\[redacted\]"/); // the server handed over a FAST token...
    expect(tokens.size).toBeGreaterThanOrEqual(1); // ...which is in the state folder, and was checked for above
    const fast = await asAdmin("clients, FAST login", user, ["user", "clients", admin], 0);
    expect(fast.stderr).toMatch(/mechanism="HT-SHA-256-/);
    await asAdmin("clients of another account", user, ["user", "clients", alice], 0);
    await asAdmin("clients of no such account", user, ["user", "clients", `nobody@${tb.host}`], 4);
    const wrong = await freshUser();
    await asAdmin("wrong password", wrong, ["user", "clients", admin], 3, { XMGR_PASSWORD: WRONG_PASSWORD });
    const untrusted = await freshUser();
    await run("untrusted certificate", untrusted, ["-v", "--jid", admin, "--server", `127.0.0.1:${tb.c2sPort}`, "user", "clients", admin], { XMGR_PASSWORD: PASSWORD }, 7);
    const probe = net.createServer();
    const freePort = await new Promise<number>((resolve) => probe.listen(0, "127.0.0.1", () => resolve((probe.address() as net.AddressInfo).port)));
    await new Promise((resolve) => probe.close(resolve));
    await run("connection refused", user, ["-v", "--jid", admin, "--server", `127.0.0.1:${freePort}`, "--ca", tb.caFile, "user", "clients", admin], { XMGR_PASSWORD: PASSWORD }, 6);
    const silent = await listen(net.createServer((socket) => socket.resume())); // reads and never answers
    await run("timeout", user, ["-v", "--timeout", "1", "--jid", admin, "--server", `127.0.0.1:${silent}`, "--ca", tb.caFile, "user", "clients", admin], { XMGR_PASSWORD: PASSWORD }, 8);
  });

  test("user revoke_client: success, no such client, a password client, a malformed selector", async () => {
    await tb.createGrant("alice", ALICE_PASSWORD);
    const legacy = await loginLegacy(tb, { username: "alice", password: ALICE_PASSWORD });
    peers.push(legacy);
    const listed = await run("clients of alice", user, ["--json", ...loginArgs(tb, "admin"), "user", "clients", alice], { XMGR_PASSWORD: PASSWORD }, 0);
    const clients = (JSON.parse(listed.stdout) as { clients: Array<{ id: string; auth: string[] }> }).clients;
    const grantId = clients.find((client) => client.id.startsWith("grant/"))!.id;
    const passwordId = clients.find((client) => client.id.startsWith("client/") && client.auth.includes("password"))!.id;
    await asAdmin("revoke a grant", user, ["user", "revoke_client", alice, grantId], 0);
    await asAdmin("revoke no such client", user, ["user", "revoke_client", alice, "client/nosuchclient"], 4);
    await asAdmin("revoke a password client", user, ["user", "revoke_client", alice, passwordId], 5);
    await asAdmin("malformed selector", user, ["user", "revoke_client", alice, "nonsense"], 2);
  });

  test("muc kick: success, no such occupant, no such room, a wrong value, HTML 404, untrusted certificate, no value", async () => {
    const bob = await loginLegacy(tb, { username: "bob", password: "bob-pw-1234" });
    peers.push(bob);
    await bob.joinRoom(`room@${tb.mucHost}`, "Bob");
    const kicked = bob.waitForKick(`room@${tb.mucHost}`, "Bob");
    const https = ["--url", `https://${tb.mucHost}:${tb.httpsPort}/muc_kick`, "--http-server", "127.0.0.1"];
    const auth = { XMGR_MUC_KICK_AUTH: tb.mucKickAuth };
    const kick = (args: string[]) => ["-v", "muc", "kick", ...args];
    const ok = await run("kick", user, kick(["--ca", tb.caFile, ...https, `room@${tb.mucHost}`, "Bob", "bye"]), auth, 0);
    expect(ok.stderr).toMatch(/POST .*Authorization: \[redacted\]/);
    await kicked;
    await run("kick, no such occupant", user, kick(["--ca", tb.caFile, ...https, `room@${tb.mucHost}`, "Nobody"]), auth, 4);
    await run("kick, no such room", user, kick(["--ca", tb.caFile, ...https, `none@${tb.mucHost}`, "Bob"]), auth, 4);
    const authFile = join(user.home, "auth");
    await writeFile(authFile, "Basic d3Jvbmc6dmFsdWUtOTk=\n", { mode: 0o600 });
    await run("kick, wrong value from a file", user, kick(["--ca", tb.caFile, ...https, "--auth-file", authFile, `room@${tb.mucHost}`, "Bob"]), {}, 3, {
      "wrong Authorization value": "d3Jvbmc6dmFsdWUtOTk=",
    });
    await run("kick, HTML 404", user, kick(["--url", `http://127.0.0.1:${tb.httpPort}/muc_kick`, `room@${tb.mucHost}`, "Bob"]), auth, 4);
    await run("kick, untrusted certificate", user, kick([...https, `room@${tb.mucHost}`, "Bob"]), auth, 7);
    await run("kick, no value", user, kick(["--ca", tb.caFile, ...https, `room@${tb.mucHost}`, "Bob"]), {}, 2);
  });

  test("logout: with a saved token (revoked on the server), then with none", async () => {
    expect(tokens.size).toBeGreaterThanOrEqual(1);
    await asAdmin("logout", user, ["logout"], 0);
    await asAdmin("logout, no token", user, ["logout"], 0);
  });
});

describe("secrets that a server echoes back are redacted", () => {
  test("a SASL failure text and a stream error text that repeat the password (scripted XMPP server)", async () => {
    const decode = (payload: string) => Buffer.from(payload, "base64").toString("utf8").split("\0")[2] ?? "";
    const echoFailure = await scriptedXmppServer({
      cert,
      onAuth: (auth, socket) => {
        socket.write(`<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><temporary-auth-failure/><text>no luck with ${decode(auth.text())}</text></failure>`);
        return true;
      },
    });
    let password = "";
    const echoStream = await scriptedXmppServer({
      cert,
      onAuth: (auth) => {
        password = decode(auth.text());
        return false;
      },
      onIq: (_iq, socket) => socket.end(`<stream:error><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>${password} was used</text></stream:error></stream:stream>`),
    });
    closers.push(() => echoFailure.close(), () => echoStream.close());
    const env = { XMGR_PASSWORD: PASSWORD };
    const failure = await run("SASL failure echo", await freshUser(), ["-v", ...scriptedLoginArgs(echoFailure, cert), "user", "clients", SCRIPTED_ADMIN], env, 3);
    expect(failure.stderr).toContain("no luck with [redacted]");
    expect(echoFailure.received()).toContain(b64(`\0admin\0${PASSWORD}`)); // it did get the password (PLAIN over TLS)
    const stream = await run("stream error echo", await freshUser(), ["-v", ...scriptedLoginArgs(echoStream, cert), "user", "clients", SCRIPTED_ADMIN], env, 6);
    expect(stream.stderr).toContain("[redacted] was used");
  });

  test("an HTTP error that repeats the Authorization value, as JSON and as HTML (scripted muc_kick server)", async () => {
    const echo = (status: number, type: string, format: (auth: string) => string) =>
      listen(http.createServer((req, res) => {
        req.resume();
        res.writeHead(status, { "content-type": type }).end(format(String(req.headers.authorization)));
      }));
    const json = await echo(400, "application/json", (auth) => JSON.stringify({ error: `bad header ${auth}` }));
    const html = await echo(500, "text/html", (auth) => `<html><pre>Authorization: ${auth}</pre></html>`);
    const auth = { XMGR_MUC_KICK_AUTH: tb.mucKickAuth };
    const fromJson = await run("HTTP 400 echo", user, ["-v", "muc", "kick", "--url", `http://127.0.0.1:${json}/muc_kick`, `room@${tb.mucHost}`, "Bob"], auth, 1);
    expect(fromJson.stderr).toContain("bad header [redacted]");
    await run("HTTP 500 echo", user, ["-v", "muc", "kick", "--url", `http://127.0.0.1:${html}/muc_kick`, `room@${tb.mucHost}`, "Bob"], auth, 1);
  });
});

describe("where secrets come from, and the files xmgr writes", () => {
  test("no option takes a secret on the command line: --password and --auth are unknown (exit 2) and their values not echoed", async () => {
    for (const args of [["--password", PASSWORD, "user", "clients", admin], ["muc", "kick", "--auth", tb.mucKickAuth, `room@${tb.mucHost}`, "Bob"]]) {
      const result = await run(`option ${args.find((arg) => arg.startsWith("--"))}`, user, args, {}, 2);
      expect(result.stderr).toMatch(/unknown option/);
    }
    const help = await user.run(["--help"], {});
    expect(help.stdout).not.toMatch(/--password\b(?!-file)/);
  });

  test("under umask 000, every folder xmgr creates is 0700 and every file 0600", async () => {
    const fresh = await freshUser();
    const result = await new Promise<XmgrResult>((resolve) => {
      execFile("sh", ["-c", 'umask 000; exec "$0" "$@"', xmgrBin, ...loginArgs(tb, "admin"), "user", "clients", admin], {
        env: { PATH: childPath, ...fresh.env, XMGR_PASSWORD: PASSWORD },
      }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
    });
    expect(result.stderr).toMatch(/^OK: /m);
    const root = join(fresh.home, "state");
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    const modes = await Promise.all(
      [root, ...entries.map((entry) => join(entry.parentPath, entry.name))].map(async (path) => {
        const info = await stat(path);
        return `${path.slice(fresh.home.length)} ${info.isDirectory() ? "dir" : "file"} ${(info.mode & 0o777).toString(8)}`;
      }),
    );
    expect(modes.some((line) => /fast-token-.* file/.test(line))).toBe(true);
    expect(modes.some((line) => /client-id file/.test(line))).toBe(true);
    expect(modes.filter((line) => !/ dir 700$| file 600$/.test(line))).toEqual([]);
  });

  test("a FAST token file or a config file that others can read is refused with the chmod that fixes it (exit 2)", async () => {
    const fresh = await freshUser();
    await asAdmin("login for a token", fresh, ["user", "clients", admin], 0);
    const tokenFile = (await readdir(fresh.stateDir, { recursive: true, withFileTypes: true })).find((entry) => entry.name.startsWith("fast-token-"))!;
    const tokenPath = join(tokenFile.parentPath, tokenFile.name);
    await chmod(tokenPath, 0o644);
    const refused = await asAdmin("open token file", fresh, ["user", "clients", admin], 2);
    expect(refused.stderr).toContain(`chmod 600 '${tokenPath}'`);

    const config = join(fresh.home, "xmgr.conf");
    await writeFile(config, `[default]\npassword = ${PASSWORD}\n`, { mode: 0o644 });
    await chmod(config, 0o644);
    const openConfig = await run("open config file", fresh, ["-v", ...loginArgs(tb, "admin"), "user", "clients", admin], { XMGR_CONFIG: config }, 2);
    expect(openConfig.stderr).toContain(`chmod 600 '${config}'`);
  });
});
