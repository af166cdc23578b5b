/**
 * Real XMPP peers (@xmpp/client 0.14) against a Testbed (test/support/testbed.ts) or an
 * EjabberdTestbed (test/support/ejabberd-testbed.ts): they need only its host, direct TLS port and CA.
 *
 *   const a = await loginSasl2(tb, { username: "alice", password: "pw",
 *     userAgent: { id: "1111-…", software: "Gajim", device: "box" } });   // SASL2 + bind2, <user-agent>
 *   const b = await loginLegacy(tb, { username: "bob", password: "pw" });  // RFC 6120 SASL + resource bind
 *   const reply = await a.iq(xml("iq", { type: "get" }, xml("list", { xmlns: NS })));  // raw result/error
 *   await b.joinRoom("room1@chat.example.test", "Bob");                   // resolves with the self-presence
 *   const kick = await b.waitForKick("room1@chat.example.test", "Bob");  // { statuses, reason, stanza }
 *   await a.stop(); await b.stop();
 *
 * All peers connect over direct TLS (xmpps) to 127.0.0.1:tb.directTlsPort with SNI = tb.host and
 * the testbed's certificate as the only trusted CA (verification stays on). They authenticate
 * with PLAIN (over TLS) because @xmpp/client's SCRAM-SHA-1 spends ~2.3 s in JS PBKDF2. They never
 * reconnect. A SASL2 peer does not ask for a FAST token unless `requestFastToken` is set; one that
 * gets a token exposes it as `fastToken`, and `fastToken` in the options logs in with it
 * (HT-SHA-256-NONE, no password needed). Legacy peers bind `resource` (default: a random one); the
 * server keys them by resource. Every stanza a peer receives is kept in `received`, so waitFor()
 * also finds stanzas that arrived before it was called.
 */
// @ts-ignore -- @xmpp/client ships no type declarations; the shapes used are declared below.
import { client as xmppClient, xml as xmppXml } from "@xmpp/client";
import { readFileSync } from "node:fs";
import { randomUUID, randomBytes } from "node:crypto";
import type { Testbed } from "./testbed.js";

/** What a peer needs of a test bed (Prosody's or ejabberd's). */
export type PeerServer = Pick<Testbed, "host" | "directTlsPort" | "caFile">;

/** The part of @xmpp/xml's (ltx) Element these helpers use. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string | undefined>;
  children: (XmlElement | string)[];
  is(name: string, xmlns?: string): boolean;
  getNS(): string | undefined;
  getChild(name: string, xmlns?: string): XmlElement | undefined;
  getChildren(name: string, xmlns?: string): XmlElement[];
  getChildElements(): XmlElement[];
  getChildText(name: string, xmlns?: string): string | null;
  text(): string;
  toString(): string;
}

export type XmlChild = XmlElement | string | null | undefined | false;
export const xml: (name: string, attrs?: Record<string, string | number | undefined> | null, ...children: (XmlChild | XmlChild[])[]) => XmlElement = xmppXml;

export interface FastToken { mechanism: string; token: string; expiry: string }

export interface PeerOptions {
  username: string;
  /** The account's host (default tb.host; another of tb's VirtualHosts). */
  domain?: string;
  password: string;
  /** Legacy: the resource to bind (default random). SASL2: the bind2 <tag> (resource = tag~hash). */
  resource?: string;
  /** SASL2 only. id defaults to a random UUID (as @xmpp/client does); software/device are omitted unless given. */
  userAgent?: { id?: string; software?: string; device?: string };
  /** SASL2 only: ask for a FAST token (<request-token>); it lands in peer.fastToken. */
  requestFastToken?: boolean;
  /** SASL2 only: log in with this FAST token instead of the password (needs the same userAgent.id). */
  fastToken?: FastToken;
  /** The SASL mechanism class for fastToken's mechanism, when @xmpp/client lacks it (it has only
   *  HT-SHA-256-NONE): made with a getter of this peer's TLS socket, for channel binding. */
  fastMechanism?: (getSocket: () => unknown) => unknown;
  /** Every element the peer sends, also during login (e.g. to see which mechanism it used). */
  onSend?: (el: XmlElement) => void;
  /** Send initial presence after login (default false). */
  presence?: boolean;
}

export interface KickInfo { statuses: string[]; reason: string | null; stanza: XmlElement }

export interface Peer {
  /** full JID bound by the server */
  jid: string;
  /** the <user-agent id> sent (SASL2) or undefined (legacy) */
  clientId?: string;
  /** resource bound */
  resource: string;
  /** FAST token the server issued at login, if requested */
  fastToken?: FastToken;
  /** every stanza received so far */
  received: XmlElement[];
  /** the underlying @xmpp/client instance (untyped) */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  xmpp: any;
  send(el: XmlElement): Promise<void>;
  /** Sends an IQ (id added if missing) and resolves with the raw reply, result or error alike.
   *  Like every wait here, it rejects at once when the connection closes first. */
  iq(el: XmlElement, timeoutMs?: number): Promise<XmlElement>;
  /** Resolves with the first matching stanza among received[since…] (default 0: past ones too) and future ones. */
  waitFor(pred: (el: XmlElement) => boolean, timeoutMs?: number, since?: number): Promise<XmlElement>;
  /** Joins room@host as nick; resolves with the self-presence (status 110). */
  joinRoom(roomJid: string, nick: string, timeoutMs?: number): Promise<XmlElement>;
  /** Waits for the unavailable self-presence with status 307 from room/nick (received since the last joinRoom of it). */
  waitForKick(roomJid: string, nick: string, timeoutMs?: number): Promise<KickInfo>;
  /** Resolves when the connection is gone (server closed it, or stop()). */
  closed: Promise<void>;
  isClosed(): boolean;
  stop(): Promise<void>;
}

const NS_SASL2 = "urn:xmpp:sasl:2";
const NS_MUC = "http://jabber.org/protocol/muc";
const NS_MUC_USER = "http://jabber.org/protocol/muc#user";

/** What went wrong, said fully: @xmpp/client's errors can have an empty message and keep the server's answer elsewhere. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const extra = err as Error & { condition?: string; text?: string; code?: string; element?: XmlElement };
  const parts = [err.name, err.message, extra.condition, extra.text, extra.code, extra.element?.toString()].filter((part) => part);
  return `${parts.join(" | ")}${err.message ? "" : ` at ${err.stack?.split("\n").slice(1, 4).map((line) => line.trim()).join(" < ")}`}`;
}

function shortId(): string {
  return randomBytes(6).toString("base64url");
}

async function login(tb: PeerServer, opts: PeerOptions, legacy: boolean): Promise<Peer> {
  const ca = readFileSync(tb.caFile);
  const clientId = legacy ? undefined : (opts.userAgent?.id ?? randomUUID());
  const resource = legacy ? (opts.resource ?? shortId()) : opts.resource;
  const userAgent = clientId === undefined ? undefined : xml("user-agent", { id: clientId },
    opts.userAgent?.software !== undefined && xml("software", null, opts.userAgent.software),
    opts.userAgent?.device !== undefined && xml("device", null, opts.userAgent.device));

  const xmpp = xmppClient({
    service: `xmpps://127.0.0.1:${tb.directTlsPort}`,
    domain: opts.domain ?? tb.host,
    // @xmpp/connection waits 2 s by default for the stream header and each login step: a loaded
    // machine took longer (Node 24, CI under load: "login of alice failed: TimeoutError").
    timeout: 30_000,
    username: opts.username, // sets the stream's from=, without which mod_sasl2_fast offers no FAST
    resource,
    userAgent,
    credentials: async (
      authenticate: (c: object, mechanism: string, ua?: XmlElement) => Promise<void>,
      mechanisms: string[],
    ) => {
      const mechanism = mechanisms.includes("PLAIN") ? "PLAIN" : mechanisms[0];
      await authenticate({ username: opts.username, password: opts.password, token: opts.fastToken }, mechanism, userAgent);
    },
  });
  xmpp.reconnect.stop();
  if (opts.onSend) xmpp.on("send", opts.onSend);
  if (opts.fastToken && opts.fastMechanism) {
    xmpp.fast.saslFactory.use(opts.fastToken.mechanism, opts.fastMechanism(() => xmpp.socket?.socket));
  }
  // Trust only the testbed's certificate; name the virtual host for SNI and verification.
  const baseParams = xmpp.socketParameters.bind(xmpp);
  xmpp.socketParameters = (service: string) => ({ ...baseParams(service), ca, servername: tb.host });
  if (!opts.requestFastToken && !opts.fastToken) {
    xmpp.fast.auth = async () => false; // no FAST attempt, no <request-token>
  }
  if (legacy) {
    // Hide the SASL2 feature so the stock RFC 6120 <mechanisms> path is taken.
    xmpp.prependListener("element", (el: XmlElement) => {
      if (el.is("features", "http://etherx.jabber.org/streams")) {
        el.children = el.children.filter((c) => typeof c === "string" || !c.is("authentication", NS_SASL2));
      }
    });
  }

  const peer = {} as Peer;
  const received: XmlElement[] = [];
  const waiters = new Set<{ check: (el: XmlElement) => void; fail: (err: Error) => void }>();
  let closedFlag = false;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => { resolveClosed = r; });
  const markClosed = () => {
    if (closedFlag) return;
    closedFlag = true;
    resolveClosed();
    for (const w of [...waiters]) w.fail(new Error(`${opts.username}: connection closed while waiting for a stanza`));
  };
  const errors: Error[] = [];

  xmpp.on("error", (err: Error) => { errors.push(err); });
  xmpp.on("stanza", (el: XmlElement) => {
    received.push(el);
    for (const w of [...waiters]) w.check(el);
  });
  xmpp.on("disconnect", markClosed);
  xmpp.on("offline", markClosed);
  xmpp.fast.saveToken = async (t: FastToken) => { peer.fastToken = t; };
  if (opts.fastToken) xmpp.fast.fetchToken = async () => opts.fastToken;

  try {
    await xmpp.start();
  } catch (err) {
    try { await xmpp.stop(); } catch { /* ignore */ }
    throw new Error(`login of ${opts.username} failed: ${describeError(err)}${errors.length ? " / " + errors.map(describeError).join("; ") : ""}`);
  }
  if (opts.presence) await xmpp.send(xml("presence"));

  const joinedAt = new Map<string, number>(); // room/nick -> index in received when joinRoom was called
  const waitFor = (pred: (el: XmlElement) => boolean, timeoutMs = 20_000, since = 0) =>
    new Promise<XmlElement>((res, rej) => {
      const hit = received.slice(since).find(pred);
      if (hit) return res(hit);
      if (closedFlag) return rej(new Error(`${opts.username}: connection is closed`));
      const w = {
        check: (el: XmlElement) => { if (pred(el)) { clearTimeout(timer); waiters.delete(w); res(el); } },
        fail: (err: Error) => { clearTimeout(timer); waiters.delete(w); rej(err); },
      };
      const timer = setTimeout(() => w.fail(new Error(`${opts.username}: no matching stanza within ${timeoutMs} ms`)), timeoutMs);
      waiters.add(w);
    });

  const jid: string = xmpp.jid.toString();
  Object.assign(peer, {
    jid,
    clientId,
    resource: xmpp.jid.resource as string,
    received,
    xmpp,
    closed,
    isClosed: () => closedFlag,
    send: (el: XmlElement) => xmpp.send(el),
    async iq(el: XmlElement, timeoutMs = 20_000) {
      if (!el.attrs.id) el.attrs.id = "tb" + shortId();
      const id = el.attrs.id;
      const reply = waitFor((s) => s.name === "iq" && s.attrs.id === id && (s.attrs.type === "result" || s.attrs.type === "error"),
        timeoutMs, received.length);
      await xmpp.send(el);
      return reply;
    },
    waitFor,
    async joinRoom(roomJid: string, nick: string, timeoutMs = 20_000) {
      const full = `${roomJid}/${nick}`;
      joinedAt.set(full, received.length);
      const first = waitFor((s) => s.name === "presence" && s.attrs.from === full && (s.attrs.type === "error" ||
        (s.attrs.type !== "unavailable" &&
          !!s.getChild("x", NS_MUC_USER)?.getChildren("status").some((st) => st.attrs.code === "110"))), timeoutMs, received.length);
      await xmpp.send(xml("presence", { to: full }, xml("x", { xmlns: NS_MUC })));
      const presence = await first;
      if (presence.attrs.type === "error") throw new Error(`join ${full} failed: ${presence.toString()}`);
      return presence;
    },
    async waitForKick(roomJid: string, nick: string, timeoutMs = 20_000) {
      const full = `${roomJid}/${nick}`;
      const stanza = await waitFor((s) => s.name === "presence" && s.attrs.from === full && s.attrs.type === "unavailable" &&
        !!s.getChild("x", NS_MUC_USER)?.getChildren("status").some((st) => st.attrs.code === "307"), timeoutMs, joinedAt.get(full) ?? 0);
      const x = stanza.getChild("x", NS_MUC_USER)!;
      return {
        stanza,
        statuses: x.getChildren("status").map((st) => st.attrs.code ?? ""),
        reason: x.getChild("item")?.getChildText("reason") ?? null,
      };
    },
    async stop() {
      if (closedFlag) { try { await xmpp.stop(); } catch { /* already gone */ } return; }
      try { await xmpp.stop(); } catch { /* ignore */ }
      markClosed();
    },
  });
  return peer;
}

/** SASL2 (XEP-0388) login with bind2 and a <user-agent id=…>[<software/>][<device/>]. */
export function loginSasl2(tb: PeerServer, opts: PeerOptions): Promise<Peer> {
  return login(tb, opts, false);
}

/** Legacy RFC 6120 SASL PLAIN login + resource binding (no SASL2, no user agent). */
export function loginLegacy(tb: PeerServer, opts: PeerOptions): Promise<Peer> {
  return login(tb, opts, true);
}

/** Stops all given peers, ignoring failures (for afterAll/afterEach). */
export async function stopAll(...peers: (Peer | undefined)[]): Promise<void> {
  await Promise.all(peers.map((p) => p?.stop().catch(() => {})));
}
