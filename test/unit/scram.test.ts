import { execFileSync } from "node:child_process";
import { createHash, createHmac, pbkdf2Sync, timingSafeEqual, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { closeServer, listenOnLoopback } from "../support/loopback.js";

import { registerScram, scramMechanism, type ScramHash } from "../../src/xmpp/scram.js";
import { channelBindingOf, tlsServerEndPoint, type ChannelBinding } from "../../src/xmpp/channel-binding.js";

const SECRET = "pencil";

// ---------------------------------------------------------------------------------------------
// Published test vectors

describe("RFC 5802 §5 test vector (SCRAM-SHA-1)", () => {
  test("client-first, client-final and server signature", async () => {
    const Mech = scramMechanism("sha1");
    expect(Mech.prototype.name).toBe("SCRAM-SHA-1");
    expect(Mech.prototype.clientFirst).toBe(true);
    const mech = new Mech({ nonce: () => "fyko+d2lbbFgONRv9qkxdawL" });
    const cred = { username: "user", password: "pencil" };

    expect(await mech.response(cred)).toBe("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    mech.challenge("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
    expect(await mech.response(cred)).toBe(
      "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    );
    expect(mech.serverVerified).toBe(false);
    expect(() => mech.final("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")).not.toThrow();
    expect(mech.serverVerified).toBe(true);
  });
});

describe("RFC 7677 §3 test vector (SCRAM-SHA-256)", () => {
  test("client-first, client-final and server signature", async () => {
    const Mech = scramMechanism("sha256");
    expect(Mech.prototype.name).toBe("SCRAM-SHA-256");
    const mech = new Mech({ nonce: () => "rOprNGfwEbeRWgbNEkqO" });
    const cred = { username: "user", password: "pencil" };

    expect(await mech.response(cred)).toBe("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    mech.challenge(
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    );
    expect(await mech.response(cred)).toBe(
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    );
    // As a Uint8Array too (the decoded <additional-data/>).
    mech.final(Buffer.from("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
    expect(mech.serverVerified).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Server verification and malformed input

const SHA1_FIRST = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";

async function sha1AfterClientFinal(password = SECRET) {
  const mech = new (scramMechanism("sha1"))({ nonce: () => "fyko+d2lbbFgONRv9qkxdawL" });
  const cred = { username: "user", password };
  await mech.response(cred);
  mech.challenge(SHA1_FIRST);
  await mech.response(cred);
  return mech;
}

async function sha1Challenged() {
  const mech = new (scramMechanism("sha1"))({ nonce: () => "fyko+d2lbbFgONRv9qkxdawL" });
  await mech.response({ username: "user", password: SECRET });
  return mech;
}

/** Runs `fn`, expects it to throw, and returns the Error (checking that it leaks no secret). */
async function thrown(fn: () => unknown): Promise<Error> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message).not.toContain(SECRET);
  expect(message.length).toBeLessThan(200);
  return error as Error;
}

describe("server-final verification", () => {
  test("a wrong server signature is refused", async () => {
    const mech = await sha1AfterClientFinal();
    const err = await thrown(() => mech.final("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    expect(err.message).toMatch(/SCRAM-SHA-1: server signature mismatch/);
    expect(mech.serverVerified).toBe(false);
  });

  test("a server signature of the wrong length is refused", async () => {
    const mech = await sha1AfterClientFinal();
    expect((await thrown(() => mech.final("v=AAAA"))).message).toMatch(/signature mismatch/);
  });

  test("the signature for another password is refused", async () => {
    const mech = await sha1AfterClientFinal("not the password");
    expect((await thrown(() => mech.final("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="))).message).toMatch(/mismatch/);
  });

  test("e= in the server-final message", async () => {
    const mech = await sha1AfterClientFinal();
    const err = await thrown(() => mech.final("e=invalid-proof"));
    expect(err.message).toBe("SCRAM-SHA-1: server error: invalid-proof");
  });

  test("malformed server-final messages", async () => {
    for (const bad of ["", "x", "r=abc", "v=not base64!", "vv=abc"]) {
      const mech = await sha1AfterClientFinal();
      expect((await thrown(() => mech.final(bad))).message).toMatch(/^SCRAM-SHA-1: (malformed|empty)/);
    }
  });

  test("final() before the client-final message is refused", async () => {
    const mech = await sha1Challenged();
    expect((await thrown(() => mech.final("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="))).message).toMatch(/unexpected/);
  });

  test("a server-final sent as a challenge (SASL1 style) is verified, then answered with an empty response", async () => {
    const mech = await sha1AfterClientFinal();
    mech.challenge("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
    expect(mech.serverVerified).toBe(true);
    expect(await mech.response({ username: "user", password: SECRET })).toBe("");
    expect(() => mech.final("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")).not.toThrow();

    const bad = await sha1AfterClientFinal();
    expect((await thrown(() => bad.challenge("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA="))).message).toMatch(/mismatch/);
  });
});

describe("server-first validation", () => {
  test("a server nonce that does not extend ours is refused", async () => {
    for (const nonce of ["XXXX+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j", "fyko+d2lbbFgONRv9qkxdawL", "3rfcNHYJY1ZVvWVs7j"]) {
      const mech = await sha1Challenged();
      const err = await thrown(() => mech.challenge(`r=${nonce},s=QSXCR+Q6sek8bf92,i=4096`));
      expect(err.message).toBe("SCRAM-SHA-1: server nonce does not extend the client nonce");
    }
  });

  test("bad iteration counts are refused", async () => {
    for (const i of ["0", "-1", "", "abc", "4096.5", "1e4", " 4096", "0x1000", "10000001", "99999999999999999999"]) {
      const mech = await sha1Challenged();
      const err = await thrown(() => mech.challenge(`r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=${i}`));
      expect(err.message).toMatch(/^SCRAM-SHA-1: (invalid )?iteration count/);
    }
  });

  test("iteration counts from 1 to 10,000,000 are accepted", async () => {
    for (const i of ["1", "4096", "10000000"]) {
      const mech = await sha1Challenged();
      expect(() => mech.challenge(`r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=${i}`)).not.toThrow();
    }
  });

  test("e= in the server-first message", async () => {
    const mech = await sha1Challenged();
    expect((await thrown(() => mech.challenge("e=unknown-user"))).message).toBe(
      "SCRAM-SHA-1: server error: unknown-user",
    );
  });

  test("malformed server-first messages", async () => {
    const bad = [
      "",
      "garbage",
      "r=fyko+d2lbbFgONRv9qkxdawL3rfc",
      "r=fyko+d2lbbFgONRv9qkxdawL3rfc,i=4096",
      "s=QSXCR+Q6sek8bf92,r=fyko+d2lbbFgONRv9qkxdawL3rfc,i=4096",
      "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=,i=4096",
      "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=not*base64,i=4096",
      "m=ext,r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4096",
      "r=fyko+d2lbbFgONRv9qkxdawL3r c,s=QSXCR+Q6sek8bf92,i=4096",
    ];
    for (const message of bad) {
      const mech = await sha1Challenged();
      expect((await thrown(() => mech.challenge(message))).message).toMatch(/^SCRAM-SHA-1: /);
    }
  });

  test("extensions after i= are ignored", async () => {
    const mech = await sha1Challenged();
    mech.challenge(`${SHA1_FIRST},x=ext`);
    expect(await mech.response({ username: "user", password: SECRET })).toMatch(/^c=biws,r=fyko/);
  });

  test("a challenge before the client-first message is refused", async () => {
    const mech = new (scramMechanism("sha1"))();
    expect((await thrown(() => mech.challenge(SHA1_FIRST))).message).toMatch(/unexpected challenge/);
  });

  test("missing credentials", async () => {
    const Mech = scramMechanism("sha256");
    expect((await thrown(() => new Mech().response({ username: null, password: SECRET }))).message).toMatch(
      /no username/,
    );
    const mech = await sha1Challenged();
    mech.challenge(SHA1_FIRST);
    expect((await thrown(() => mech.response({ username: "user", password: null }))).message).toMatch(/no password/);
  });
});

// ---------------------------------------------------------------------------------------------
// Client-first details

describe("client-first message", () => {
  test("username escaping", async () => {
    const mech = new (scramMechanism("sha256"))({ nonce: () => "abc" });
    expect(await mech.response({ username: "a=b,c==,", password: SECRET })).toBe("n,,n=a=3Db=2Cc=3D=3D=2C,r=abc");
  });

  test("authzid goes into the gs2 header, escaped", async () => {
    const mech = new (scramMechanism("sha256"))({ nonce: () => "abc" });
    expect(await mech.response({ username: "u", password: SECRET, authzid: "ad,min" })).toBe(
      "n,a=ad=2Cmin,n=u,r=abc",
    );
  });

  test("a non-ASCII username is sent as UTF-8 octets (a binary string, as btoa expects)", async () => {
    const mech = new (scramMechanism("sha256"))({ nonce: () => "abc" });
    const first = await mech.response({ username: "josé", password: SECRET });
    expect(Buffer.from(btoa(first), "base64").toString("utf8")).toBe("n,,n=josé,r=abc");
  });

  test("the default client nonce is 24 random bytes in base64", async () => {
    const Mech = scramMechanism("sha1");
    const nonces = await Promise.all(
      [new Mech(), new Mech()].map(async (m) => /,r=(.*)$/.exec(await m.response({ username: "u", password: "p" }))![1]!),
    );
    for (const n of nonces) {
      expect(n).toMatch(/^[A-Za-z0-9+/]{32}$/);
      expect(Buffer.from(n, "base64")).toHaveLength(24);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  test("an injected nonce with a comma or non-printable characters is refused", async () => {
    for (const nonce of ["a,b", "", "a b", "é"]) {
      const mech = new (scramMechanism("sha1"))({ nonce: () => nonce });
      expect((await thrown(() => mech.response({ username: "u", password: "p" }))).message).toMatch(/invalid client nonce/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Channel binding: gs2 header and c=

const BINDING: ChannelBinding = { type: "tls-exporter", data: Buffer.from(Array.from({ length: 32 }, (_, i) => i)) };

describe("channel binding in the messages", () => {
  test("-PLUS: p=<type>,, and c=base64(gs2 header + binding data)", async () => {
    const Mech = scramMechanism("sha256", () => BINDING);
    expect(Mech.prototype.name).toBe("SCRAM-SHA-256-PLUS");
    const mech = new Mech({ nonce: () => "rOprNGfwEbeRWgbNEkqO" });
    const cred = { username: "user", password: "pencil" };
    expect(await mech.response(cred)).toBe("p=tls-exporter,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    mech.challenge("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    const final = await mech.response(cred);
    const c = /^c=([^,]*),/.exec(final)![1]!;
    expect(Buffer.from(c, "base64")).toEqual(Buffer.concat([Buffer.from("p=tls-exporter,,"), BINDING.data]));
  });

  test("SCRAM-SHA-1-PLUS name and tls-server-end-point type", async () => {
    const Mech = scramMechanism("sha1", () => ({ type: "tls-server-end-point", data: Buffer.from("xyz") }));
    expect(Mech.prototype.name).toBe("SCRAM-SHA-1-PLUS");
    expect(await new Mech({ nonce: () => "n" }).response({ username: "u", password: "p" })).toBe(
      "p=tls-server-end-point,,n=u,r=n",
    );
  });

  test("-PLUS without binding data fails clearly", async () => {
    const mech = new (scramMechanism("sha256", () => undefined))();
    expect((await thrown(() => mech.response({ username: "u", password: SECRET }))).message).toBe(
      "SCRAM-SHA-256-PLUS: no TLS channel binding available on this connection",
    );
    expect(() => scramMechanism("sha256", undefined, true)).toThrow(/needs a channel binding getter/);
  });

  test("plain variant while binding is available: y,, (downgrade protection), c=eSws", async () => {
    const Mech = scramMechanism("sha1", () => BINDING, false);
    expect(Mech.prototype.name).toBe("SCRAM-SHA-1");
    const mech = new Mech({ nonce: () => "fyko+d2lbbFgONRv9qkxdawL" });
    expect(await mech.response({ username: "user", password: SECRET })).toBe("y,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    mech.challenge(SHA1_FIRST);
    expect(await mech.response({ username: "user", password: SECRET })).toMatch(/^c=eSws,r=/);
  });

  test("plain variant without binding data: n,,", async () => {
    const mech = new (scramMechanism("sha1", () => undefined, false))({ nonce: () => "abc" });
    expect(await mech.response({ username: "user", password: SECRET })).toBe("n,,n=user,r=abc");
  });
});

// ---------------------------------------------------------------------------------------------
// Round trips against a minimal SCRAM server (RFC 5802 §3 server side)

function scramServer(hash: ScramHash, password: string, binding?: Buffer, iterations = 4096) {
  const salt = Buffer.from("0123456789abcdef");
  const salted = pbkdf2Sync(Buffer.from(password.normalize("NFKC")), salt, iterations, hash === "sha1" ? 20 : 32, hash);
  const storedKey = createHash(hash).update(createHmac(hash, salted).update("Client Key").digest()).digest();
  const serverKey = createHmac(hash, salted).update("Server Key").digest();
  let gs2 = "";
  let bare = "";
  let serverFirst = "";
  return {
    first(clientFirst: string): string {
      const m = /^((?:[ny]|p=[^,]+),[^,]*,)(n=[^,]*,r=([^,]*))$/.exec(clientFirst)!;
      gs2 = m[1]!;
      bare = m[2]!;
      serverFirst = `r=${m[3]}SERVERNONCE,s=${salt.toString("base64")},i=${iterations}`;
      return serverFirst;
    },
    final(clientFinal: string): string {
      const m = /^(c=([^,]*),r=[^,]*),p=(.*)$/.exec(clientFinal)!;
      const expectedC = Buffer.concat([Buffer.from(gs2, "latin1"), gs2.startsWith("p=") ? binding! : Buffer.alloc(0)]);
      if (!Buffer.from(m[2]!, "base64").equals(expectedC)) return "e=channel-bindings-dont-match";
      const authMessage = Buffer.from(`${bare},${serverFirst},${m[1]}`, "latin1");
      const signature = createHmac(hash, storedKey).update(authMessage).digest();
      const proof = Buffer.from(m[3]!, "base64");
      const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!));
      if (!timingSafeEqual(createHash(hash).update(clientKey).digest(), storedKey)) return "e=invalid-proof";
      return `v=${createHmac(hash, serverKey).update(authMessage).digest("base64")}`;
    },
  };
}

describe("round trips", () => {
  const cases: Array<[ScramHash, boolean]> = [
    ["sha1", false],
    ["sha256", false],
    ["sha1", true],
    ["sha256", true],
  ];
  test.each(cases)("%s plus=%s, non-ASCII username and password", async (hash, plus) => {
    const password = "pâsswörd ∑";
    const server = scramServer(hash, password, BINDING.data);
    const mech = new (plus ? scramMechanism(hash, () => BINDING) : scramMechanism(hash))();
    const cred = { username: "ünïcode,user", password };
    const first = await mech.response(cred);
    mech.challenge(server.first(first));
    const serverFinal = server.final(await mech.response(cred));
    expect(serverFinal).toMatch(/^v=/);
    mech.final(serverFinal);
    expect(mech.serverVerified).toBe(true);
  });

  test("a count above 100,000 (PBKDF2 in the threadpool, not at once) gives the same proof", async () => {
    const server = scramServer("sha256", SECRET, undefined, 150_000);
    const mech = new (scramMechanism("sha256"))();
    const cred = { username: "user", password: SECRET };
    mech.challenge(server.first(await mech.response(cred)));
    const serverFinal = server.final(await mech.response(cred));
    expect(serverFinal).toMatch(/^v=/);
    mech.final(serverFinal);
    expect(mech.serverVerified).toBe(true);
  });

  test("a binding that differs from the server's fails on the server side", async () => {
    const server = scramServer("sha256", SECRET, Buffer.alloc(32, 7));
    const mech = new (scramMechanism("sha256", () => BINDING))();
    const cred = { username: "u", password: SECRET };
    mech.challenge(server.first(await mech.response(cred)));
    const serverFinal = server.final(await mech.response(cred));
    expect(serverFinal).toBe("e=channel-bindings-dont-match");
    expect((await thrown(() => mech.final(serverFinal))).message).toMatch(/server error: channel-bindings-dont-match/);
  });

  test("PBKDF2 is fast (node:crypto)", async () => {
    const mech = new (scramMechanism("sha256"))({ nonce: () => "abc" });
    await mech.response({ username: "u", password: "p" });
    mech.challenge("r=abcdef,s=QSXCR+Q6sek8bf92,i=10000");
    const t0 = performance.now();
    await mech.response({ username: "u", password: "p" });
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

// ---------------------------------------------------------------------------------------------
// Factory registration (the real saslmechanisms Factory used by @xmpp/client)

type Factory = {
  _mechs: Array<{ name: string; mech: new () => { name: string } }>;
  use(name: unknown, mech?: unknown): Factory;
  create(names: string[]): { name: string } | null;
};
const require = createRequire(import.meta.url);
const SASLFactory = require("saslmechanisms") as new () => Factory;
const DefaultScramSha1 = require("sasl-scram-sha-1") as new () => { name: string };

describe("saslmechanisms factory", () => {
  test("saslFactory.use(Mech) registers under prototype.name", () => {
    const factory = new SASLFactory();
    factory.use(scramMechanism("sha256"));
    expect(factory._mechs.map((m) => m.name)).toEqual(["SCRAM-SHA-256"]);
    expect(factory.create(["SCRAM-SHA-256"])?.name).toBe("SCRAM-SHA-256");
  });

  test("registerScram puts -PLUS first and replaces the default SCRAM-SHA-1", () => {
    const factory = new SASLFactory();
    factory.use(DefaultScramSha1);
    factory.use("PLAIN", class Plain {});
    registerScram(factory, () => undefined);
    expect(factory._mechs.map((m) => m.name)).toEqual([
      "SCRAM-SHA-256-PLUS",
      "SCRAM-SHA-1-PLUS",
      "SCRAM-SHA-256",
      "SCRAM-SHA-1",
      "PLAIN",
    ]);
    const sha1 = factory.create(["SCRAM-SHA-1"])!;
    expect(sha1).not.toBeInstanceOf(DefaultScramSha1);
    expect(sha1.name).toBe("SCRAM-SHA-1");
  });

  test("registerScram without _mechs uses factory.use()", () => {
    const names: string[] = [];
    registerScram({ use: (name: string) => names.push(name) }, () => undefined);
    expect(names).toEqual(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1"]);
  });
});

// ---------------------------------------------------------------------------------------------
// channelBindingOf against a real local TLS server

let dir: string;
const pem = (name: string) => readFileSync(join(dir, name));

function openssl(...args: string[]) {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "xmgr-scram-"));
  const req = ["req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=localhost"];
  openssl(...req, "-newkey", "rsa:2048", "-sha256", "-keyout", "rsa.key", "-out", "rsa.crt");
  openssl(...req, "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-sha384", "-keyout", "ec.key", "-out", "ec.crt");
  openssl(...req, "-newkey", "rsa:2048", "-sha1", "-keyout", "sha1.key", "-out", "sha1.crt");
  openssl(...req, "-newkey", "rsa:2048", "-sha512", "-sigopt", "rsa_padding_mode:pss", "-keyout", "pss.key", "-out", "pss.crt");
  openssl(...req, "-newkey", "ed25519", "-keyout", "ed.key", "-out", "ed.crt");
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function tlsPair(version: tls.SecureVersion, cert = "rsa") {
  const server = tls.createServer({
    key: pem(`${cert}.key`),
    cert: pem(`${cert}.crt`),
    minVersion: version,
    maxVersion: version,
  });
  const serverSide = new Promise<tls.TLSSocket>((resolve) => {
    server.once("secureConnection", resolve);
  });
  server.on("secureConnection", (s) => s.on("error", () => {}));
  const port = await listenOnLoopback(server);
  const client = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, maxVersion: version });
  await new Promise<void>((resolve, reject) => {
    client.once("secureConnect", resolve);
    client.once("error", reject);
  });
  const remote = await serverSide;
  return {
    client,
    remote,
    close: async () => {
      client.destroy();
      remote.destroy();
      await closeServer(server);
    },
  };
}

describe("channelBindingOf", () => {
  test("TLS 1.3: tls-exporter, 32 bytes, equal on both ends", async () => {
    const { client, remote, close } = await tlsPair("TLSv1.3");
    try {
      expect(client.getProtocol()).toBe("TLSv1.3");
      const cb = channelBindingOf(client)!;
      expect(cb.type).toBe("tls-exporter");
      expect(cb.data).toHaveLength(32);
      expect(cb.data).toEqual(remote.exportKeyingMaterial(32, "EXPORTER-Channel-Binding", Buffer.alloc(0)));
      // tls-unique is undefined on TLS 1.3; tls-server-end-point stays available.
      expect(channelBindingOf(client, ["tls-unique"])).toBeUndefined();
      expect(channelBindingOf(client, ["tls-unique", "tls-server-end-point"])?.type).toBe("tls-server-end-point");
    } finally {
      await close();
    }
  });

  test("TLS 1.2: tls-server-end-point is sha256 of the server certificate DER", async () => {
    const { client, close } = await tlsPair("TLSv1.2");
    try {
      expect(client.getProtocol()).toBe("TLSv1.2");
      const der = new X509Certificate(pem("rsa.crt")).raw;
      const cb = channelBindingOf(client, ["tls-exporter", "tls-server-end-point"])!;
      expect(cb).toEqual({ type: "tls-server-end-point", data: createHash("sha256").update(der).digest() });
    } finally {
      await close();
    }
  });

  test("TLS 1.2: tls-unique (the default choice there, what Prosody's mod_sasl2 supports) is the client's Finished", async () => {
    const { client, remote, close } = await tlsPair("TLSv1.2");
    try {
      const cb = channelBindingOf(client)!;
      expect(cb.type).toBe("tls-unique");
      expect(cb.data.length).toBeGreaterThanOrEqual(12);
      expect(cb.data).toEqual(remote.getPeerFinished());
    } finally {
      await close();
    }
  });

  test("tls-server-end-point with an ECDSA P-384/SHA-384 certificate uses SHA-384", async () => {
    const { client, close } = await tlsPair("TLSv1.3", "ec");
    try {
      const der = new X509Certificate(pem("ec.crt")).raw;
      expect(channelBindingOf(client, ["tls-server-end-point"])?.data).toEqual(
        createHash("sha384").update(der).digest(),
      );
    } finally {
      await close();
    }
  });

  test("registerScram's -PLUS mechanism uses the socket's binding", async () => {
    const { client, remote, close } = await tlsPair("TLSv1.3");
    try {
      const factory = new SASLFactory();
      registerScram(factory, () => client);
      const mech = factory.create(["SCRAM-SHA-256-PLUS"]) as unknown as InstanceType<ReturnType<typeof scramMechanism>>;
      const server = scramServer("sha256", SECRET, remote.exportKeyingMaterial(32, "EXPORTER-Channel-Binding", Buffer.alloc(0)));
      const cred = { username: "u", password: SECRET };
      const first = await mech.response(cred);
      expect(first.startsWith("p=tls-exporter,,")).toBe(true);
      mech.challenge(server.first(first));
      mech.final(server.final(await mech.response(cred)));
      expect(mech.serverVerified).toBe(true);

      // The registered plain variant sends n,, even where binding is available (see registerScram).
      const plain = factory.create(["SCRAM-SHA-1"]) as unknown as InstanceType<ReturnType<typeof scramMechanism>>;
      expect((await plain.response(cred)).startsWith("n,,")).toBe(true);
    } finally {
      await close();
    }
  });

  test("no binding on a socket that is not connected", () => {
    expect(channelBindingOf(new tls.TLSSocket(null as never))).toBeUndefined();
  });
});

describe("tlsServerEndPoint hash selection (RFC 5929 §4.1)", () => {
  const der = (name: string) => new X509Certificate(pem(name)).raw;
  const digest = (alg: string, data: Buffer) => createHash(alg).update(data).digest();

  test.each([
    ["rsa.crt", "sha256"],
    ["ec.crt", "sha384"],
    ["sha1.crt", "sha256"], // SHA-1 → SHA-256
    ["pss.crt", "sha512"], // RSASSA-PSS: the hash from its parameters
    ["ed.crt", "sha256"], // no single hash → SHA-256 (as Prosody)
  ])("%s → %s", (name, alg) => {
    expect(tlsServerEndPoint(der(name))).toEqual(digest(alg, der(name)));
  });

  test("garbage falls back to sha256 without throwing", () => {
    const junk = Buffer.from([0x30, 0x82, 0xff]);
    expect(tlsServerEndPoint(junk)).toEqual(digest("sha256", junk));
  });
});
