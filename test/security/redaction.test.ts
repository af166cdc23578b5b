/**
 * Redaction that cannot be cut around or corrupt data (issue 11), with the built bin/xmgr against
 * scripted servers that echo the secret back and a real Prosody:
 * - redacted before it is cut: a secret straddling the 300-character cut of a stream error text;
 * - the escaped forms: XML entities in a -v trace, JSON in `--json shell` error lines, JSON's `\/`
 *   in an HTTP body, the decoded parts of a Basic Authorization value;
 * - data is never rewritten: a password that is a word of the output leaves --json data intact;
 * - -v on a stanza nested 5,000 deep does not overflow the stack.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import http from "node:http";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { makeCertificate, scriptedLoginArgs, scriptedXmppServer, SCRIPTED_ADMIN, type Certificate } from "../support/hostile.js";
import { loginArgs, xmgrUser, type XmgrUser } from "../support/xmgr.js";
import { closeServer, listenOnLoopback } from "../support/loopback.js";

let user: XmgrUser;
let cert: Certificate;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  user = await xmgrUser();
  cert = await makeCertificate(user.home, ["example.test"]);
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await user?.cleanup();
});

const xmlEscape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

/** A scripted server that, after the PLAIN login, closes the stream with an error whose text `make` builds from the password. */
async function echoingServer(make: (password: string) => string) {
  let password = "";
  const server = await scriptedXmppServer({
    cert,
    onAuth: (auth) => {
      password = Buffer.from(auth.text(), "base64").toString("utf8").split("\0")[2] ?? "";
      return false;
    },
    onIq: (_iq, socket) =>
      socket.end(`<stream:error><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>${xmlEscape(make(password))}</text></stream:error></stream:stream>`),
  });
  closers.push(() => server.close());
  return server;
}

describe("redaction before cutting and escaping", () => {
  test("a password straddling the 300-character cut of a stream error text: no part of it shows", async () => {
    const password = "Straddle-Secret-pw-0123456789";
    const server = await echoingServer((echoed) => `${"x".repeat(290)}${echoed} and more`);
    const result = await user.run([...scriptedLoginArgs(server, cert), "user", "clients", SCRIPTED_ADMIN], { XMGR_PASSWORD: password });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("[redacted]");
    expect(result.stderr).not.toContain(password.slice(0, 8));
  });

  test("a password with XML and JSON special characters, echoed: neither its raw, XML-escaped nor JSON-escaped form shows in -v traces, messages or --json shell lines", async () => {
    const password = `p&ss<w>"rd'/x9\\z`;
    const server = await echoingServer((echoed) => `your password ${echoed} was used`);
    const forms = [password, xmlEscape(password), xmlEscape(password).replace(/&apos;/g, "'"), JSON.stringify(password).slice(1, -1), JSON.stringify(password).slice(1, -1).replace(/\//g, "\\/")];
    const oneShot = await user.run(["-v", ...scriptedLoginArgs(server, cert), "user", "clients", SCRIPTED_ADMIN], { XMGR_PASSWORD: password });
    expect(oneShot.code).toBe(6);
    expect(oneShot.stderr).toMatch(/RECV .*your password \[redacted\] was used/);
    const shell = await user.run(["-v", "--json", ...scriptedLoginArgs(server, cert), "shell", "-c", `user clients ${SCRIPTED_ADMIN}`], { XMGR_PASSWORD: password });
    expect(shell.stdout).toMatch(/"error":\{"message":".*\[redacted\] was used/);
    for (const output of [oneShot.stdout, oneShot.stderr, shell.stdout, shell.stderr]) {
      expect(forms.filter((form) => output.includes(form))).toEqual([]);
    }
  });

  test("an HTTP error echoing the Authorization value with JSON's \\/ escaping, decoded, and its password part: all redacted (-v and the message)", async () => {
    const credentials = "kicker:pa???s/w0rd-Secret";
    const encoded = Buffer.from(credentials).toString("base64");
    expect(encoded).toContain("/"); // so that JSON's \/ form differs
    const authorization = `Basic ${encoded}`;
    const server = http.createServer((req, res) => {
      req.resume();
      const body = JSON.stringify({ error: `bad ${req.headers.authorization} = ${credentials} (${credentials.split(":")[1]})` }).replace(/\//g, "\\/");
      res.writeHead(400, { "content-type": "application/json" }).end(body);
    });
    const port = await listenOnLoopback(server);
    closers.push(() => closeServer(server));
    const result = await user.run(["-v", "muc", "kick", "--url", `http://127.0.0.1:${port}/muc_kick`, "room@chat.example.test", "Bob"], { XMGR_MUC_KICK_AUTH: authorization });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("bad [redacted]");
    const forms = [encoded, encoded.replace(/\//g, "\\/"), credentials, credentials.replace(/\//g, "\\/"), "pa???s/w0rd", "pa???s\\/w0rd"];
    expect(forms.filter((form) => result.stderr.includes(form) || result.stdout.includes(form))).toEqual([]);
  });

  test("-v on an answer nested 5,000 elements deep: traced, no stack overflow, a clean failure", async () => {
    const deep = `${"<a>".repeat(5000)}${"</a>".repeat(5000)}`;
    const server = await scriptedXmppServer({ cert, onIq: (iq, socket) => socket.write(`<iq type='result' id='${iq.attrs.id}'>${deep}</iq>`) });
    closers.push(() => server.close());
    const result = await user.run(["-v", ...scriptedLoginArgs(server, cert), "user", "clients", SCRIPTED_ADMIN], { XMGR_PASSWORD: "deep-pw-1234" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/RECV <iq [^\n]*<a><a><a>/);
    expect(result.stderr).toMatch(/holds no <clients\/> element/);
    expect(result.stderr).not.toMatch(/call stack|Internal error/);
  });
});

describe("data is never rewritten", () => {
  let tb: Testbed;
  beforeAll(async () => {
    tb = await startTestbed();
    await tb.register("alice", "example"); // a password that is a word of the output: the domain
  });
  afterAll(async () => {
    await tb?.stop();
  });

  test("a password equal to a word of the output leaves --json data intact", async () => {
    const result = await user.run([...loginArgs(tb, "alice"), "--json", "user", "clients", `alice@${tb.host}`], { XMGR_PASSWORD: "example" });
    expect(result.code).toBe(0);
    const data = JSON.parse(result.stdout) as { jid: string; clients: unknown[] };
    expect(data.jid).toBe("alice@example.test");
    expect(result.stdout).not.toContain("[redacted]");
  });
});
