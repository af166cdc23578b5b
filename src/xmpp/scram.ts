/**
 * SCRAM (RFC 5802 / RFC 7677) for the `saslmechanisms` factory used by @xmpp/sasl and
 * @xmpp/sasl2, computed with node:crypto (one threadpool PBKDF2 call: a few ms instead of the
 * ~2 s of `sasl-scram-sha-1`'s 10,000 sequential WebCrypto calls), plus the -PLUS variants with
 * TLS channel binding (./channel-binding.ts, shared with FAST's HT-* mechanisms).
 *
 * API
 *
 *   scramMechanism(hash: "sha1" | "sha256", channelBinding?: () => ChannelBinding | undefined,
 *                  plus = channelBinding !== undefined)
 *     → a mechanism class, usable as `saslFactory.use(Mech)`: `Mech.prototype.name` is
 *       "SCRAM-SHA-1" / "SCRAM-SHA-256", or "SCRAM-SHA-1-PLUS" / "SCRAM-SHA-256-PLUS" when
 *       `plus` (which needs the getter). `new Mech({ nonce })` injects the
 *       client nonce (tests); the factory calls `new Mech()` and a random one is used.
 *       The getter is called once per authentication, when the client-first message is built.
 *       - -PLUS: gs2 header `p=<type>,,`; throws if the getter returns undefined.
 *       - plain, getter given and returns a binding: `y,,` (RFC 5802 §6 downgrade protection:
 *         "I could bind but you did not offer -PLUS"; a server that does support binding
 *         then fails the exchange).
 *       - plain otherwise: `n,,`.
 *       So with a getter, the plain variant only works against servers without channel binding
 *       (Prosody refuses `y,,` whenever it could bind): to opt out of binding, omit the getter.
 *   Password: UTF-8 after SASLprep's mapping + NFKC steps (what Prosody applies when storing
 *   keys); full SASLprep (prohibited characters, bidi) is NOT applied. Username: only the
 *   `=`/`,` escaping (the server preps it).
 *   Iteration count: 1..MAX_ITERATIONS (10,000,000, a few seconds of PBKDF2 in the threadpool).
 *
 *   Channel binding (channelBindingOf, tlsServerEndPoint, the types): ./channel-binding.ts.
 *
 *   registerScram(factory: { use(name: string, mech: unknown): unknown; _mechs?: unknown },
 *                 getSocket: () => TLSSocket | undefined, types?: readonly ChannelBindingType[]): void
 *     Registers SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS, SCRAM-SHA-256, SCRAM-SHA-1 (in that order
 *     of preference) with the channel binding of `getSocket()`. If the factory exposes the
 *     `_mechs` list of `saslmechanisms` (it does), entries with the same names (the default slow
 *     SCRAM-SHA-1 of @xmpp/client) are removed and ours are put first; otherwise they are added
 *     with `factory.use()`.
 *
 * Wiring (@xmpp/client: `xmpp.socket` is @xmpp's wrapper, its `.socket` the node TLSSocket):
 *
 *   const xmpp = client({ service, domain, username, password });
 *   registerScram(xmpp.saslFactory, () => {
 *     const s = (xmpp.socket as { socket?: unknown } | null)?.socket;
 *     return s instanceof TLSSocket ? s : undefined;
 *   });
 *
 * Strings: the mechanism follows @xmpp/base64, which uses btoa/atob, so `response()` returns and
 * `challenge()`/`final()` take "binary strings" (one char per octet; a non-ASCII username is sent
 * as its UTF-8 octets). `challenge()`/`final()` also accept a Uint8Array.
 *
 * Server verification: `final(serverFinal)` checks `v=` (constant-time) and throws on a mismatch
 * or `e=`. @xmpp/sasl2 calls it only when <success/> carries <additional-data/> (Prosody always
 * sends it); @xmpp/sasl (SASL1) never calls it. A server-final received as a SASL challenge is
 * verified by `challenge()` too (the following `response()` is then ""). `serverVerified` tells
 * whether it happened.
 *
 * Secrets: the password and the derived keys are never logged nor put in error messages.
 */
import { createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { TLSSocket } from "node:tls";
import { channelBindingOf, DEFAULT_CHANNEL_BINDING_TYPES, type ChannelBinding, type ChannelBindingType } from "./channel-binding.js";

export type ScramHash = "sha1" | "sha256";

export interface ScramCredentials {
  username?: string | null;
  password?: string | null;
  /** Authorization identity, sent as `a=` in the gs2 header when set. */
  authzid?: string | null;
}

export interface ScramOptions {
  /** Client nonce (printable ASCII without ","); default: 24 random bytes in base64. */
  nonce?: () => string;
}

export interface ScramMechanism {
  readonly name: string;
  readonly clientFirst: true;
  /** Whether the server proved knowledge of the password (a `v=` was checked). */
  readonly serverVerified: boolean;
  response(cred: ScramCredentials): Promise<string>;
  challenge(data: string | Uint8Array): this;
  final(data: string | Uint8Array): void;
}

export interface ScramMechanismConstructor {
  new (options?: ScramOptions): ScramMechanism;
  readonly prototype: ScramMechanism;
}

/** Refused above this: the PBKDF2 work is linear in it and a hostile server must not hang us. */
export const MAX_ITERATIONS = 10_000_000;

const HASH_LENGTH: Record<ScramHash, number> = { sha1: 20, sha256: 32 };
const MECH_HASH_NAME: Record<ScramHash, string> = { sha1: "SHA-1", sha256: "SHA-256" };

/** RFC 5802 `printable`: %x21-2B / %x2D-7E (no ","). */
const PRINTABLE = /^[\x21-\x2b\x2d-\x7e]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function defaultNonce(): string {
  return randomBytes(24).toString("base64");
}

/** RFC 5802 saslname: "=" → "=3D", "," → "=2C". */
export function escapeSaslName(name: string): string {
  return name.replace(/=/g, "=3D").replace(/,/g, "=2C");
}

// RFC 3454 table B.1 ("commonly mapped to nothing") and C.1.2 (non-ASCII spaces).
const MAPPED_TO_NOTHING = /[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/g;
const NON_ASCII_SPACE = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/g;

/**
 * The mapping and normalization steps of SASLprep (RFC 4013 §2.1-2.2), which is what the server
 * (Prosody) applies to the password before deriving its keys. Full SASLprep is NOT applied: the
 * prohibited-output and bidi checks are left to the server. ASCII passwords are unchanged.
 */
function prepPassword(password: string): string {
  return password.replace(MAPPED_TO_NOTHING, "").replace(NON_ASCII_SPACE, " ").normalize("NFKC");
}

function toBinaryString(data: string | Uint8Array): string {
  return typeof data === "string" ? data : Buffer.from(data).toString("latin1");
}

function bytes(binary: string): Buffer {
  return Buffer.from(binary, "latin1");
}

/** Parses "k=v,k=v,…" into ordered attributes; short messages, no secrets in them. */
function parseAttributes(mech: string, message: string, what: string): Array<[string, string]> {
  if (message.length === 0) throw new Error(`${mech}: empty ${what}`);
  return message.split(",").map((part) => {
    const m = /^([A-Za-z])=(.*)$/s.exec(part);
    if (!m) throw new Error(`${mech}: malformed ${what}`);
    return [m[1]!, m[2]!];
  });
}

function sanitizeServerText(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** Above this, PBKDF2 runs in the threadpool so that --timeout can still stop it (10,000: ~2 ms). */
const SYNC_ITERATIONS = 100_000;

/** Usual counts at once, sparing the threadpool's start (~1 ms); larger ones in the threadpool. */
function saltPassword(password: Buffer, salt: Buffer, iterations: number, keylen: number, digest: string): Promise<Buffer> {
  if (iterations <= SYNC_ITERATIONS) return Promise.resolve(pbkdf2Sync(password, salt, iterations, keylen, digest));
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, keylen, digest, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * A saslmechanisms-compatible SCRAM class for `hash`. -PLUS by default when `channelBinding` is
 * given; pass `plus = false` with a getter for the plain variant that sends `y,,` when the getter
 * returns a binding.
 */
export function scramMechanism(
  hash: ScramHash,
  channelBinding?: () => ChannelBinding | undefined,
  plus: boolean = channelBinding !== undefined,
): ScramMechanismConstructor {
  if (!Object.hasOwn(HASH_LENGTH, hash)) throw new Error(`SCRAM: unsupported hash ${String(hash)}`);
  if (plus && !channelBinding) throw new Error("SCRAM: a -PLUS mechanism needs a channel binding getter");
  const NAME = `SCRAM-${MECH_HASH_NAME[hash]}${plus ? "-PLUS" : ""}`;
  const KEY_LENGTH = HASH_LENGTH[hash];

  type Stage = "initial" | "sent-first" | "challenged" | "sent-final" | "done";

  class Scram implements ScramMechanism {
    get name(): string {
      return NAME;
    }
    get clientFirst(): true {
      return true;
    }

    #makeNonce: () => string;
    #stage: Stage = "initial";
    #clientNonce = "";
    #gs2Header = "";
    #binding: Buffer = Buffer.alloc(0);
    #clientFirstBare = "";
    #serverFirst = "";
    #nonce = "";
    #salt: Buffer = Buffer.alloc(0);
    #iterations = 0;
    #serverSignature: Buffer | undefined;
    #verified = false;

    constructor(options: ScramOptions = {}) {
      this.#makeNonce = options.nonce ?? defaultNonce;
    }

    get serverVerified(): boolean {
      return this.#verified;
    }

    async response(cred: ScramCredentials): Promise<string> {
      switch (this.#stage) {
        case "initial":
          return this.#clientFirst(cred);
        case "challenged":
          return this.#clientFinal(cred);
        case "done":
          return ""; // the server-final came as a challenge (SASL1 style): empty response
        default:
          throw new Error(`${NAME}: unexpected response request`);
      }
    }

    challenge(data: string | Uint8Array): this {
      const message = toBinaryString(data);
      if (this.#stage === "sent-final") {
        this.#verifyServerFinal(message);
        return this;
      }
      if (this.#stage !== "sent-first") throw new Error(`${NAME}: unexpected challenge`);
      this.#parseServerFirst(message);
      this.#stage = "challenged";
      return this;
    }

    final(data: string | Uint8Array): void {
      if (this.#stage === "done" && this.#verified) return; // already verified via challenge()
      if (this.#stage !== "sent-final") throw new Error(`${NAME}: unexpected server-final message`);
      this.#verifyServerFinal(toBinaryString(data));
    }

    #clientFirst(cred: ScramCredentials): string {
      if (typeof cred.username !== "string" || cred.username === "") {
        throw new Error(`${NAME}: no username given`);
      }
      const nonce = this.#makeNonce();
      if (!PRINTABLE.test(nonce)) throw new Error(`${NAME}: invalid client nonce`);
      this.#clientNonce = nonce;

      const cb = channelBinding?.();
      if (plus && !cb) throw new Error(`${NAME}: no TLS channel binding available on this connection`);
      if (cb && !/^[A-Za-z0-9.-]+$/.test(cb.type)) throw new Error(`${NAME}: invalid channel binding type`);
      const authzid = cred.authzid ? `a=${escapeSaslName(cred.authzid)}` : "";
      const flag = plus ? `p=${cb!.type}` : cb ? "y" : "n";
      this.#gs2Header = Buffer.from(`${flag},${authzid},`, "utf8").toString("latin1");
      this.#binding = plus ? Buffer.from(cb!.data) : Buffer.alloc(0);

      this.#clientFirstBare = Buffer.from(`n=${escapeSaslName(cred.username)},r=${nonce}`, "utf8").toString("latin1");
      this.#stage = "sent-first";
      return this.#gs2Header + this.#clientFirstBare;
    }

    #parseServerFirst(message: string): void {
      const attrs = parseAttributes(NAME, message, "server-first message");
      if (attrs[0]![0] === "e") throw new Error(`${NAME}: server error: ${sanitizeServerText(attrs[0]![1])}`);
      if (attrs[0]![0] === "m") throw new Error(`${NAME}: unsupported mandatory extension in server-first message`);
      if (attrs.length < 3 || attrs[0]![0] !== "r" || attrs[1]![0] !== "s" || attrs[2]![0] !== "i") {
        throw new Error(`${NAME}: malformed server-first message`);
      }
      const [, nonce] = attrs[0]!;
      const [, salt] = attrs[1]!;
      const [, iterations] = attrs[2]!;

      if (!PRINTABLE.test(nonce)) throw new Error(`${NAME}: malformed server nonce`);
      if (!nonce.startsWith(this.#clientNonce) || nonce.length <= this.#clientNonce.length) {
        throw new Error(`${NAME}: server nonce does not extend the client nonce`);
      }
      if (salt === "" || !BASE64.test(salt)) throw new Error(`${NAME}: malformed salt`);
      if (!/^[1-9][0-9]{0,9}$/.test(iterations)) throw new Error(`${NAME}: invalid iteration count`);
      const count = Number(iterations);
      if (count > MAX_ITERATIONS) {
        throw new Error(`${NAME}: iteration count ${count} exceeds the maximum of ${MAX_ITERATIONS}`);
      }

      this.#serverFirst = message;
      this.#nonce = nonce;
      this.#salt = Buffer.from(salt, "base64");
      this.#iterations = count;
    }

    async #clientFinal(cred: ScramCredentials): Promise<string> {
      if (typeof cred.password !== "string") throw new Error(`${NAME}: no password given`);
      const password = Buffer.from(prepPassword(cred.password), "utf8");

      const cbind = Buffer.concat([bytes(this.#gs2Header), this.#binding]).toString("base64");
      const withoutProof = `c=${cbind},r=${this.#nonce}`;
      const authMessage = bytes(`${this.#clientFirstBare},${this.#serverFirst},${withoutProof}`);

      const salted = await saltPassword(password, this.#salt, this.#iterations, KEY_LENGTH, hash);
      password.fill(0);
      const clientKey = createHmac(hash, salted).update("Client Key").digest();
      const serverKey = createHmac(hash, salted).update("Server Key").digest();
      salted.fill(0);
      const storedKey = createHash(hash).update(clientKey).digest();
      const clientSignature = createHmac(hash, storedKey).update(authMessage).digest();
      const proof = xor(clientKey, clientSignature).toString("base64");
      this.#serverSignature = createHmac(hash, serverKey).update(authMessage).digest();
      clientKey.fill(0);
      serverKey.fill(0);
      storedKey.fill(0);

      this.#stage = "sent-final";
      return `${withoutProof},p=${proof}`;
    }

    #verifyServerFinal(message: string): void {
      const expected = this.#serverSignature;
      if (!expected) throw new Error(`${NAME}: unexpected server-final message`);
      const attrs = parseAttributes(NAME, message, "server-final message");
      const [key, value] = attrs[0]!;
      if (key === "e") throw new Error(`${NAME}: server error: ${sanitizeServerText(value)}`);
      if (key !== "v" || !BASE64.test(value)) throw new Error(`${NAME}: malformed server-final message`);
      const got = Buffer.from(value, "base64");
      if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
        throw new Error(`${NAME}: server signature mismatch: the server could not prove it knows the password`);
      }
      this.#verified = true;
      this.#stage = "done";
    }
  }

  return Scram;
}

// ---------------------------------------------------------------------------------------------
// Factory registration

/** The part of a `saslmechanisms` Factory used here. */
export interface SaslFactoryLike {
  use(name: string, mech: unknown): unknown;
  _mechs?: unknown;
}

/**
 * Registers SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS, SCRAM-SHA-256, SCRAM-SHA-1 (that order of
 * preference), bound to the TLS socket `getSocket()` returns at authentication time.
 * Replaces same-named mechanisms already in the factory and puts these first.
 */
export function registerScram(
  factory: SaslFactoryLike,
  getSocket: () => TLSSocket | undefined,
  types: readonly ChannelBindingType[] = DEFAULT_CHANNEL_BINDING_TYPES,
): void {
  const binding = (): ChannelBinding | undefined => {
    const socket = getSocket();
    return socket instanceof TLSSocket ? channelBindingOf(socket, types) : undefined;
  };
  const mechs: ScramMechanismConstructor[] = [
    scramMechanism("sha256", binding, true),
    scramMechanism("sha1", binding, true),
    // The plain variants send "n,,", not "y,,": Prosody with -PLUS disabled in its config still
    // supports binding and refuses "y". No downgrade protection is lost: the mechanism list
    // arrives over TLS that xmgr has verified, so nobody on the path can strip -PLUS from it.
    scramMechanism("sha256"),
    scramMechanism("sha1"),
  ];
  const list = factory._mechs;
  if (Array.isArray(list)) {
    const names = new Set(mechs.map((m) => m.prototype.name));
    const others = list.filter((entry: { name?: unknown }) => !names.has(String(entry?.name)));
    list.splice(0, list.length, ...mechs.map((mech) => ({ name: mech.prototype.name, mech })), ...others);
  } else {
    for (const mech of mechs) factory.use(mech.prototype.name, mech);
  }
}
