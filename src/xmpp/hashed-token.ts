// HT-SHA-256-NONE, the SASL mechanism of a FAST login (XEP-0484, draft-schmaus-kitten-sasl-ht),
// on node:crypto. @xmpp's own goes through WebCrypto, whose first use costs a few milliseconds
// of loading and a threadpool round trip for two HMACs of a few bytes.
import { createHmac, timingSafeEqual } from "node:crypto";

function hashedToken(token: string, label: "Initiator" | "Responder"): Buffer {
  // "-NONE": no channel binding data follows the label.
  return createHmac("sha256", Buffer.from(token, "utf8")).update(label).digest();
}

export class HashedTokenSha256None {
  private token = "";

  get name(): string {
    return "HT-SHA-256-NONE";
  }

  get clientFirst(): boolean {
    return true;
  }

  /** The initial response: the username, a NUL and the initiator's hashed token, as a binary string. */
  response({ username, password }: { username: string; password: string }): string {
    this.token = password;
    return Buffer.concat([Buffer.from(`${username}\0`, "utf8"), hashedToken(password, "Initiator")]).toString("latin1");
  }

  /** Checks the server's additional data: the responder's hashed token proves it knew the token too. */
  final(data: string): void {
    const received = Buffer.from(data, "latin1");
    const expected = hashedToken(this.token, "Responder");
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
      throw new Error("The server's FAST answer does not match the token: it is not the server that issued it.");
    }
  }
}
