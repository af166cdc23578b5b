// HT-SHA-256-NONE on node:crypto, checked against @xmpp's own WebCrypto implementation and
// WebCrypto's HMAC as independent references.
import { describe, expect, test } from "@jest/globals";
import { Mechanism as XmppHashedToken } from "@xmpp/sasl-ht-sha-256-none";
import { HashedTokenSha256None } from "../../src/xmpp/hashed-token.js";

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
