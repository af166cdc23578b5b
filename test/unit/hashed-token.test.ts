// HT-SHA-256-NONE on node:crypto, checked against @xmpp's own WebCrypto implementation and
// WebCrypto's HMAC as independent references; the bound -EXPR and -UNIQ against the server side
// of a real TLS connection on loopback.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { Mechanism as XmppHashedToken } from "@xmpp/sasl-ht-sha-256-none";
import { bindingAvailable, hashedTokenMechanism, HashedTokenSha256None } from "../../src/xmpp/hashed-token.js";
import { makeCertificate, type Certificate } from "../support/hostile.js";
import { closeServer, listenOnLoopback } from "../support/loopback.js";

const TOKEN = "s3cr3t-FAST-token/with+base64=chars";

async function webCryptoHmac(key: string, label: string): Promise<Buffer> {
  const imported = await crypto.subtle.importKey("raw", new TextEncoder().encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return Buffer.from(await crypto.subtle.sign("HMAC", imported, new TextEncoder().encode(label)));
}

describe("HT-SHA-256-NONE", () => {
  test("the initial response is the one @xmpp/sasl-ht-sha-256-none computes", async () => {
    const reference = await new XmppHashedToken().response({ username: "alice", password: TOKEN });
    expect(new HashedTokenSha256None().response({ username: "alice", password: TOKEN })).toBe(reference);
  });

  test("a non-ASCII username is sent as UTF-8, then a NUL and the 32-byte initiator hash", async () => {
    const bytes = Buffer.from(new HashedTokenSha256None().response({ username: "zoë", password: TOKEN }), "latin1");
    expect(bytes.subarray(0, 5)).toEqual(Buffer.from("zoë\0", "utf8"));
    expect(bytes.subarray(5)).toEqual(await webCryptoHmac(TOKEN, "Initiator"));
  });

  test("final() accepts the server's responder hash for the same token", async () => {
    const mechanism = new HashedTokenSha256None();
    mechanism.response({ username: "alice", password: TOKEN });
    const responder = (await webCryptoHmac(TOKEN, "Responder")).toString("latin1");
    expect(() => mechanism.final(responder)).not.toThrow();
  });

  test("final() refuses a responder hash made with another token, a changed byte or a wrong length", async () => {
    const mechanism = new HashedTokenSha256None();
    mechanism.response({ username: "alice", password: TOKEN });
    const right = await webCryptoHmac(TOKEN, "Responder");
    const changed = Buffer.from(right);
    changed[31] ^= 1;
    for (const wrong of [await webCryptoHmac("another token", "Responder"), changed, right.subarray(0, 31), await webCryptoHmac(TOKEN, "Initiator")]) {
      expect(() => mechanism.final(wrong.toString("latin1"))).toThrow(/FAST/);
    }
  });
});

describe("HT-SHA-256-EXPR / -UNIQ: bound to the TLS channel (checked against the server side of a real TLS connection)", () => {
  let dir: string;
  let cert: Certificate;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "xmgr-ht-"));
    cert = await makeCertificate(dir, ["example.test"]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function tlsPair(version: tls.SecureVersion) {
    const server = tls.createServer({ key: cert.key, cert: cert.cert, minVersion: version, maxVersion: version });
    const serverSide = new Promise<tls.TLSSocket>((resolve) => server.once("secureConnection", resolve));
    const port = await listenOnLoopback(server);
    const client = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, maxVersion: version });
    await new Promise<void>((resolve, reject) => {
      client.once("secureConnect", resolve);
      client.once("error", reject);
    });
    const remote = await serverSide;
    return { client, remote, close: async () => (client.destroy(), remote.destroy(), await closeServer(server)) };
  }

  const hmac = (label: string, binding: Buffer) => createHmac("sha256", TOKEN).update(label).update(binding).digest();

  test("TLS 1.3: -EXPR hashes the tls-exporter data the server computes too; -UNIQ is not available there", async () => {
    const { client, remote, close } = await tlsPair("TLSv1.3");
    try {
      const exporter = remote.exportKeyingMaterial(32, "EXPORTER-Channel-Binding", Buffer.alloc(0));
      const Expr = hashedTokenMechanism("HT-SHA-256-EXPR", () => client);
      const mechanism = new Expr();
      const bytes = Buffer.from(mechanism.response({ username: "alice", password: TOKEN }), "latin1");
      expect(bytes.subarray(6)).toEqual(hmac("Initiator", exporter));
      expect(bytes.subarray(6)).not.toEqual(hmac("Initiator", Buffer.alloc(0)));
      expect(() => mechanism.final(hmac("Responder", exporter).toString("latin1"))).not.toThrow();
      expect(() => mechanism.final(hmac("Responder", Buffer.alloc(0)).toString("latin1"))).toThrow(/FAST/);
      expect(bindingAvailable("HT-SHA-256-EXPR", client)).toBe(true);
      expect(bindingAvailable("HT-SHA-256-UNIQ", client)).toBe(false);
      expect(() => new (hashedTokenMechanism("HT-SHA-256-UNIQ", () => client))().response({ username: "alice", password: TOKEN })).toThrow(/tls-unique/);
    } finally {
      await close();
    }
  });

  test("TLS 1.2: -UNIQ hashes the client's Finished message (tls-unique) as the server sees it; -EXPR is not available there", async () => {
    const { client, remote, close } = await tlsPair("TLSv1.2");
    try {
      const unique = remote.getPeerFinished()!;
      const bytes = Buffer.from(new (hashedTokenMechanism("HT-SHA-256-UNIQ", () => client))().response({ username: "alice", password: TOKEN }), "latin1");
      expect(bytes.subarray(6)).toEqual(hmac("Initiator", unique));
      expect(bindingAvailable("HT-SHA-256-EXPR", client)).toBe(false);
      expect(bindingAvailable("HT-SHA-256-NONE", client)).toBe(true);
    } finally {
      await close();
    }
  });
});
