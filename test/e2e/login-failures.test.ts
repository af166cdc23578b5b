/**
 * What the built bin/xmgr says and which exit code it gives when connecting or logging in goes
 * wrong: a real Prosody 13 test bed (wrong password, certificates) and tiny servers in this file
 * (nothing listening, a server that never answers, one that offers no STARTTLS). The password
 * never shows in the output, not even with -v.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import net from "node:net";
import tls from "node:tls";
import { execFile } from "node:child_process";
import { readdir, readFile, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { loginArgs, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";

const PASSWORD = "correct-horse-battery-staple-42";
const WRONG = "wrong-password-xyzzy-99";

let tb: Testbed;
let aliceJid: string;
const users: XmgrUser[] = [];
const servers: net.Server[] = [];

/** A fresh HOME/XDG state per call: no FAST token from an earlier run, so the password is really used. */
async function freshUser(): Promise<XmgrUser> {
  const user = await xmgrUser();
  users.push(user);
  return user;
}

/** Every way the password could show up: as is, and inside a base64 SASL PLAIN message. */
function expectNoPassword(result: XmgrResult, password: string): void {
  const forms = [
    password,
    Buffer.from(password).toString("base64"),
    Buffer.from(`\0alice\0${password}`).toString("base64"),
    Buffer.from(`\0alice@example.test\0${password}`).toString("base64"),
  ];
  for (const form of forms) {
    expect(result.stdout).not.toContain(form);
    expect(result.stderr).not.toContain(form);
  }
}

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  return listenOnLoopback(server);
}

const listArgs = () => ["user", "clients", aliceJid];

beforeAll(async () => {
  tb = await startTestbed();
  aliceJid = `alice@${tb.host}`;
  await tb.register("alice", PASSWORD);
});

afterAll(async () => {
  for (const server of servers) server.close();
  await Promise.all(users.map((user) => user.cleanup()));
  await tb?.stop();
});

describe("xmgr login failures", () => {
  test("wrong password: exit 3, one or two lines, no stack trace, the password not shown (-v)", async () => {
    const user = await freshUser();
    const result = await user.run([...loginArgs(tb, "alice"), ...listArgs()], { XMGR_PASSWORD: WRONG });
    expectCleanFailure(result, 3);
    expect(result.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
    expect(result.stderr).toContain(aliceJid);
    expect(result.stderr).toMatch(/password/i);

    const verbose = await user.run(["-v", ...loginArgs(tb, "alice"), ...listArgs()], { XMGR_PASSWORD: WRONG });
    expectCleanFailure(verbose, 3);
    expect(verbose.stderr).toMatch(/SEND|RECV/); // -v did trace the exchange
    expectNoPassword(verbose, WRONG);
  });

  test("success with -v (password from a file, then from a FAST token): neither the password nor the token is shown", async () => {
    const user = await freshUser();
    const passwordFile = join(user.home, "password");
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    const first = await user.run(["-v", ...loginArgs(tb, "alice"), "--password-file", passwordFile, ...listArgs()]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("ID"); // the table
    expect(first.stderr).toMatch(/SEND|RECV/);
    expectNoPassword(first, PASSWORD);

    const second = await user.run(["-v", ...loginArgs(tb, "alice"), "--password-file", passwordFile, ...listArgs()]);
    expect(second.code).toBe(0);
    expectNoPassword(second, PASSWORD);
    // Whatever xmgr keeps in its state folder (client id, FAST token) stays out of the trace too.
    expect(second.stderr).toMatch(/<authenticate [^>]*mechanism="HT-SHA-256-/); // the second run logged in with FAST
    const stateFiles = await readdir(user.stateDir, { recursive: true, withFileTypes: true });
    const tokenFiles = stateFiles.filter((e) => e.isFile() && /token/i.test(e.name));
    expect(tokenFiles.length).toBeGreaterThanOrEqual(1);
    for (const entry of tokenFiles) {
      const token = (JSON.parse(await readFile(join(entry.parentPath, entry.name), "utf8")) as { token: string }).token;
      expect(token.length).toBeGreaterThan(8);
      expect(second.stderr).not.toContain(token);
      expect(first.stderr).not.toContain(token);
    }
  });

  test("nothing listening on the port: exit 6", async () => {
    const probe = net.createServer();
    const port = await listenOnLoopback(probe);
    await closeServer(probe);

    const result = await (await freshUser()).run(["--jid", aliceJid, "--server", `127.0.0.1:${port}`, "--ca", tb.caFile, ...listArgs()], { XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(result, 6);
    expect(result.stderr).toContain(String(port));
  });

  test("an untrusted certificate without --ca: exit 7, the message names --ca", async () => {
    const result = await (await freshUser()).run(["--jid", aliceJid, "--server", `127.0.0.1:${tb.c2sPort}`, ...listArgs()], { XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(result, 7);
    expect(result.stderr).toMatch(/certificate/i);
    expect(result.stderr).toContain("--ca");
  });

  test("the server knows no certificate for the JID's domain (SNI other.test, Prosody refuses the name): exit 7", async () => {
    const result = await (await freshUser()).run(
      ["--jid", "alice@other.test", "--server", `xmpps://127.0.0.1:${tb.directTlsPort}`, "--ca", tb.caFile, ...listArgs()],
      { XMGR_PASSWORD: PASSWORD },
    );
    expectCleanFailure(result, 7);
    expect(result.stderr).toMatch(/TLS/);
    expectNoPassword(result, PASSWORD);
  });

  test("a trusted certificate made for another name (SAN other.test) than the JID's domain: exit 7, nothing sent", async () => {
    const user = await freshUser();
    const key = join(user.home, "other.key");
    const cert = join(user.home, "other.crt");
    const made = await new Promise<number>((resolve) => {
      execFile("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
        "-subj", "/CN=other.test", "-addext", "subjectAltName=DNS:other.test", "-keyout", key, "-out", cert], (error) => resolve(error ? 1 : 0));
    });
    expect(made).toBe(0);
    const received: Buffer[] = [];
    let handshakes = 0;
    const server = tls.createServer({ key: await readFile(key), cert: await readFile(cert) }, (socket) => {
      socket.on("data", (chunk) => received.push(chunk));
      socket.on("error", () => undefined);
    });
    server.on("connection", () => { handshakes++; });
    server.on("tlsClientError", () => undefined);
    const port = await listen(server);

    // The certificate is trusted (--ca) but names other.test, not example.test.
    const result = await user.run(["--jid", aliceJid, "--server", `xmpps://127.0.0.1:${port}`, "--ca", cert, ...listArgs()], { XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(result, 7);
    expect(result.stderr).toMatch(/certificate/i);
    expect(handshakes).toBe(1);
    expect(Buffer.concat(received).length).toBe(0); // not even a stream header went over that connection
  });

  test("a server that accepts TCP and never answers: --timeout 1 gives exit 8 after 1 s, not the default 10 s", async () => {
    let accepted = 0;
    const silent = net.createServer(() => { accepted++; }); // holds every connection open, says nothing
    const port = await listen(silent);

    const started = Date.now();
    const result = await (await freshUser()).run(["--timeout", "1", "--jid", aliceJid, "--server", `127.0.0.1:${port}`, "--ca", tb.caFile, ...listArgs()], { XMGR_PASSWORD: PASSWORD });
    const elapsed = Date.now() - started;
    expectCleanFailure(result, 8);
    expect(result.stderr).toMatch(/within 1 s/);
    expect(accepted).toBe(1);
    // Below the default 10 s whatever the machine's load (xmgr's own start is well under a second
    // on an idle machine, a few seconds on a very busy one).
    expect(elapsed).toBeLessThan(9000);
  });

  test("a server that offers no STARTTLS: no login, exit 7, the password is never sent", async () => {
    const received: Buffer[] = [];
    let headers = 0;
    const plain = net.createServer((socket) => {
      socket.on("data", (chunk) => {
        received.push(chunk);
        // Answer each stream header with features that offer SASL (PLAIN, SASL2) but no <starttls/>.
        const text = Buffer.concat(received).toString("utf8");
        const seen = (text.match(/<stream:stream/g) ?? []).length;
        for (; headers < seen; headers++) {
          socket.write(
            "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " +
              `id='plain${headers}' from='${tb.host}' version='1.0' xml:lang='en'>` +
              "<stream:features>" +
              "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms>" +
              "<authentication xmlns='urn:xmpp:sasl:2'><mechanism>PLAIN</mechanism><mechanism>SCRAM-SHA-1</mechanism></authentication>" +
              "</stream:features>",
          );
        }
      });
      socket.on("error", () => undefined);
    });
    const port = await listen(plain);

    const result = await (await freshUser()).run(["-v", "--jid", aliceJid, "--server", `127.0.0.1:${port}`, "--ca", tb.caFile, ...listArgs()], { XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(result, 7);
    expect(result.stderr).toMatch(/TLS/);
    expect(headers).toBeGreaterThanOrEqual(1); // xmgr did talk to it
    const sent = Buffer.concat(received).toString("utf8");
    expect(sent).not.toMatch(/<auth[\s>]|<authenticate[\s>]/);
    expect(sent).not.toContain(PASSWORD);
    expect(sent).not.toContain(Buffer.from(`\0alice\0${PASSWORD}`).toString("base64"));
    expectNoPassword(result, PASSWORD);
  });

  test("no --server: the JID's domain is looked up (SRV, then the name); one that does not resolve gives exit 6, not an internal error", async () => {
    const result = await (await freshUser()).run(["--jid", "alice@no-such-host.invalid", "--timeout", "3", "user", "clients", "alice@no-such-host.invalid"], { XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(result, 6);
    expect(result.stderr).toMatch(/^! Cannot connect to xmpp:\/\/no-such-host\.invalid:5222: the host name does not resolve\./m);
  });

  test("a malformed JID: exit 2", async () => {
    const result = await (await freshUser()).run(["--jid", "not a jid", "--server", `127.0.0.1:${tb.c2sPort}`, "--ca", tb.caFile, ...listArgs()], { XMGR_PASSWORD: PASSWORD });
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain("not a jid");
  });

  test("no password and no terminal: exit 2, says where a password can come from", async () => {
    const result = await (await freshUser()).run([...loginArgs(tb, "alice"), ...listArgs()], {});
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain("XMGR_PASSWORD");
  });

  test("a password file that others can read is refused with the chmod that fixes it: exit 2", async () => {
    const user = await freshUser();
    const passwordFile = join(user.home, "password-open");
    await writeFile(passwordFile, `${PASSWORD}\n`);
    await chmod(passwordFile, 0o644);
    const result = await user.run(["-v", ...loginArgs(tb, "alice"), "--password-file", passwordFile, ...listArgs()]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain(`chmod 600 '${passwordFile}'`);
    expectNoPassword(result, PASSWORD);
  });
});

describe("xmgr against a server that offers only PLAIN (the password itself goes over TLS)", () => {
  let plainTb: Testbed;
  beforeAll(async () => {
    plainTb = await startTestbed({ extraHostConfig: `  disable_sasl_mechanisms = { "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "OAUTHBEARER" }` });
    await plainTb.register("alice", PASSWORD);
  });
  afterAll(async () => {
    await plainTb?.stop();
  });

  test("-v on success and on a wrong password shows the PLAIN exchange with the password redacted", async () => {
    const user = await freshUser();
    const args = ["-v", ...loginArgs(plainTb, "alice"), ...listArgs()];
    const success = await user.run(args, { XMGR_PASSWORD: PASSWORD });
    expect(success.code).toBe(0);
    expect(success.stderr).toMatch(/mechanism="PLAIN"/); // the password itself was in what xmgr sent
    expectNoPassword(success, PASSWORD);

    const failure = await (await freshUser()).run(args, { XMGR_PASSWORD: WRONG });
    expectCleanFailure(failure, 3);
    expect(failure.stderr).toMatch(/mechanism="PLAIN"/);
    expectNoPassword(failure, WRONG);
  });
});
