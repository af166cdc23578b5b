/**
 * Which CA certificates a run trusts and which files it reads for them (issue 12). xmgr builds no
 * more of a CA store than the run uses (src/tls-trust.ts), and bin/xmgr hands NODE_EXTRA_CA_CERTS
 * to it under its own name so that Node does not parse it at start. Here, for every way of
 * trusting a CA (--ca; the system store, SSL_CERT_FILE; NODE_EXTRA_CA_CERTS beside another system
 * store; NODE_EXTRA_CA_CERTS naming SSL_CERT_FILE itself), over XMPP (direct TLS to a scripted
 * server) and HTTPS (muc kick): the certificate that CA issued is accepted, and one from another
 * CA, an expired one and one for another name are refused (exit 7, nothing sent). Then strace
 * counts the opens of the CA files: none of the system bundle or NODE_EXTRA_CA_CERTS with --ca or
 * for --help, one each when the run needs them.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import https from "node:https";
import { join } from "node:path";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { SCRIPTED_ADMIN, scriptedXmppServer, type Certificate, type ScriptedServer } from "../support/hostile.js";
import { childPath, runXmgr, xmgrBin, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";

const AUTH = "Basic Y2Etc3RvcmU6dGVzdA==";
const XMPP_DOMAIN = "example.test";
const HTTP_HOST = "chat.example.test";
const NS_MANAGE_CLIENTS = "xmpp:prosody.im/protocol/manage-clients";

let user: XmgrUser;
let dir: string;

function openssl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile("openssl", args, { cwd: dir }, (error, _out, stderr) => (error ? reject(new Error(`openssl ${args[0]}: ${stderr}`)) : resolve())));
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** A CA certificate and its key, named `name`. */
async function makeCa(name: string): Promise<{ certFile: string; keyFile: string }> {
  const base = join(dir, name);
  await openssl(["req", "-x509", ...EC, "-days", "2", "-subj", `/CN=${name}`, "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", `${base}.key`, "-out", `${base}.crt`]);
  return { certFile: `${base}.crt`, keyFile: `${base}.key` };
}

/** A server certificate for `names` issued by `ca`; `days` -1 makes one that has expired. */
async function makeLeaf(label: string, names: string[], ca: { certFile: string; keyFile: string }, days = 2): Promise<Certificate> {
  const base = join(dir, label);
  await openssl(["req", "-new", ...EC, "-subj", `/CN=${names[0]}`, "-keyout", `${base}.key`, "-out", `${base}.csr`]);
  writeFileSync(`${base}.ext`, `subjectAltName=${names.map((name) => `DNS:${name}`).join(",")}\n`);
  await openssl(["x509", "-req", "-in", `${base}.csr`, "-CA", ca.certFile, "-CAkey", ca.keyFile, "-set_serial", String(Date.now()),
    "-days", String(days), "-extfile", `${base}.ext`, "-out", `${base}.crt`]);
  return { key: readFileSync(`${base}.key`), cert: readFileSync(`${base}.crt`), certFile: `${base}.crt` };
}

interface Servers {
  xmpp: ScriptedServer;
  https: { port: number; requests: () => number; close: () => Promise<void> };
}

/** A scripted XMPP server (direct TLS) that answers the client list, and an HTTPS muc_kick endpoint, both with `cert`. */
async function serve(cert: Certificate): Promise<Servers> {
  const xmpp = await scriptedXmppServer({
    cert,
    onIq: (iq, socket) => socket.write(`<iq type='result' id='${iq.attrs.id}'><clients xmlns='${NS_MANAGE_CLIENTS}'/></iq>`),
  });
  let requests = 0;
  const server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    requests++;
    req.resume();
    req.on("end", () => res.writeHead(200).end());
  });
  server.on("tlsClientError", () => undefined);
  const port = await listenOnLoopback(server);
  return { xmpp, https: { port, requests: () => requests, close: () => closeServer(server) } };
}

const xmppArgs = (servers: Servers) => ["--jid", SCRIPTED_ADMIN, "--server", `xmpps://127.0.0.1:${servers.xmpp.port}`, "user", "clients", SCRIPTED_ADMIN];
const kickArgs = (servers: Servers) => ["muc", "kick", "--url", `https://${HTTP_HOST}:${servers.https.port}/muc_kick`, "--http-server", "127.0.0.1", `room@${HTTP_HOST}`, "Bob"];

let caA: { certFile: string; keyFile: string };
let emptyDir: string;
/** CA certificates other than A and B (a system store without A). */
let otherCas: string;
/** Those and A: a system bundle that holds A. */
let bundleWithA: string;
const servers: Record<string, Servers> = {};

beforeAll(async () => {
  user = await xmgrUser();
  dir = join(user.home, "pki");
  mkdirSync(dir);
  emptyDir = join(dir, "empty");
  mkdirSync(emptyDir);
  caA = await makeCa("ca-a");
  // B issues the "another CA" certificate and is trusted nowhere; C and D stand for a system store's other CAs.
  const [caB, caC, caD] = await Promise.all([makeCa("ca-b"), makeCa("ca-c"), makeCa("ca-d")]);
  otherCas = join(dir, "others.pem");
  writeFileSync(otherCas, readFileSync(caC.certFile, "utf8") + readFileSync(caD.certFile, "utf8"));
  bundleWithA = join(dir, "bundle.pem");
  writeFileSync(bundleWithA, readFileSync(otherCas, "utf8") + readFileSync(caA.certFile, "utf8"));
  const names = [XMPP_DOMAIN, HTTP_HOST];
  const certs = {
    trusted: await makeLeaf("trusted", names, caA),
    "another CA": await makeLeaf("wrong-ca", names, caB),
    expired: await makeLeaf("expired", names, caA, -1),
    "another name": await makeLeaf("other-name", ["other.test"], caA),
  };
  for (const [label, cert] of Object.entries(certs)) servers[label] = await serve(cert);
});

afterAll(async () => {
  await Promise.all(Object.values(servers).flatMap((s) => [s.xmpp.close(), s.https.close()]));
  await user?.cleanup();
});

/** Each way to trust CA A: xmgr's extra arguments and environment. */
const TRUST: Record<string, () => { args: string[]; env: Record<string, string> }> = {
  "--ca": () => ({ args: ["--ca", caA.certFile], env: { SSL_CERT_FILE: otherCas, SSL_CERT_DIR: emptyDir } }),
  "the system store (SSL_CERT_FILE)": () => ({ args: [], env: { SSL_CERT_FILE: bundleWithA, SSL_CERT_DIR: emptyDir } }),
  "NODE_EXTRA_CA_CERTS beside a system store without it": () => ({ args: [], env: { SSL_CERT_FILE: otherCas, SSL_CERT_DIR: emptyDir, NODE_EXTRA_CA_CERTS: caA.certFile } }),
  "NODE_EXTRA_CA_CERTS naming SSL_CERT_FILE": () => ({ args: [], env: { SSL_CERT_FILE: bundleWithA, SSL_CERT_DIR: emptyDir, NODE_EXTRA_CA_CERTS: bundleWithA } }),
};

function run(args: string[], env: Record<string, string>): Promise<XmgrResult> {
  return runXmgr(args, { ...user.env, XMGR_PASSWORD: "any", XMGR_MUC_KICK_AUTH: AUTH, ...env });
}

describe.each(Object.keys(TRUST))("trusting CA A through %s", (way) => {
  test("XMPP: A's certificate is accepted; another CA's, an expired one and one for another name are refused (exit 7, no login)", async () => {
    const { args, env } = TRUST[way]();
    const accepted = await run([...args, ...xmppArgs(servers.trusted)], env);
    expect(accepted.stderr).toContain("OK: No clients");
    expect(accepted.code).toBe(0);
    for (const label of ["another CA", "expired", "another name"]) {
      const result = await run([...args, ...xmppArgs(servers[label])], env);
      expectCleanFailure(result, 7);
      expect(servers[label].xmpp.received()).not.toContain("<auth");
    }
  });

  test("HTTPS: A's certificate is accepted; another CA's, an expired one and one for another name are refused (exit 7, no request)", async () => {
    const { args, env } = TRUST[way]();
    const before = servers.trusted.https.requests();
    const accepted = await run([...args, ...kickArgs(servers.trusted)], env);
    expect(accepted.stderr).toContain("OK: Kicked Bob");
    expect(servers.trusted.https.requests()).toBe(before + 1);
    for (const label of ["another CA", "expired", "another name"]) {
      const result = await run([...args, ...kickArgs(servers[label])], env);
      expectCleanFailure(result, 7);
      expect(servers[label].https.requests()).toBe(0);
    }
  });
});

/** Runs xmgr under strace; returns its result and how often each of `files` was opened (any outcome). */
function traced(args: string[], env: Record<string, string>, files: string[]): Promise<{ result: XmgrResult; opens: Record<string, number> }> {
  const log = join(dir, `strace-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  return new Promise((done, fail) => {
    execFile(
      "strace",
      ["-f", "-qq", "-e", "trace=open,openat,openat2", "-o", log, xmgrBin, ...args],
      { env: { PATH: childPath, ...user.env, XMGR_PASSWORD: "any", XMGR_MUC_KICK_AUTH: AUTH, ...env } },
      (error, stdout, stderr) => {
        let text: string;
        try {
          text = readFileSync(log, "utf8");
        } catch {
          return fail(new Error(`strace wrote no log: ${stderr}`));
        }
        const opened = [...text.matchAll(/\bopen(?:at2?)?\((?:[^,]+, )?"([^"]*)"/g)].map((match) => match[1]);
        const opens = Object.fromEntries(files.map((file) => [file, opened.filter((path) => path === file || path.startsWith(`${file}/`)).length]));
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        done({ result: { code, stdout: String(stdout), stderr: String(stderr) }, opens });
      },
    );
  });
}

describe("the CA files a run reads (strace counts the opens)", () => {
  test("with --ca: neither the system bundle, nor its folder, nor NODE_EXTRA_CA_CERTS is opened, over XMPP or HTTPS", async () => {
    const env = { SSL_CERT_FILE: bundleWithA, SSL_CERT_DIR: emptyDir, NODE_EXTRA_CA_CERTS: otherCas };
    for (const command of [xmppArgs(servers.trusted), kickArgs(servers.trusted)]) {
      const { result, opens } = await traced(["--ca", caA.certFile, ...command], env, [bundleWithA, emptyDir, otherCas, caA.certFile]);
      expect(result.code).toBe(0);
      expect(opens).toEqual({ [bundleWithA]: 0, [emptyDir]: 0, [otherCas]: 0, [caA.certFile]: 1 });
    }
  });

  test("xmgr --help opens no CA file, NODE_EXTRA_CA_CERTS included", async () => {
    const { result, opens } = await traced(["--help"], { SSL_CERT_FILE: bundleWithA, NODE_EXTRA_CA_CERTS: otherCas }, [bundleWithA, otherCas]);
    expect(result.code).toBe(0);
    expect(opens).toEqual({ [bundleWithA]: 0, [otherCas]: 0 });
  });

  test("trusting the system store: the bundle is opened once, also when NODE_EXTRA_CA_CERTS names it", async () => {
    const envs: Record<string, string>[] = [{ SSL_CERT_FILE: bundleWithA }, { SSL_CERT_FILE: bundleWithA, NODE_EXTRA_CA_CERTS: bundleWithA }];
    for (const env of envs) {
      for (const command of [xmppArgs(servers.trusted), kickArgs(servers.trusted)]) {
        const { result, opens } = await traced(command, { ...env, SSL_CERT_DIR: emptyDir }, [bundleWithA]);
        expect(result.code).toBe(0);
        expect(opens).toEqual({ [bundleWithA]: 1 });
      }
    }
  });

  test("NODE_EXTRA_CA_CERTS beside another system bundle: each is opened once, and A (only in the extra file) is trusted", async () => {
    const env = { SSL_CERT_FILE: otherCas, SSL_CERT_DIR: emptyDir, NODE_EXTRA_CA_CERTS: caA.certFile };
    for (const command of [xmppArgs(servers.trusted), kickArgs(servers.trusted)]) {
      const { result, opens } = await traced(command, env, [otherCas, caA.certFile]);
      expect(result.code).toBe(0);
      expect(opens).toEqual({ [otherCas]: 1, [caA.certFile]: 1 });
    }
  });
});
