// One XMPP session as the admin account: connect, TLS, log in (SASL2 with a stable user agent, or
// legacy SASL), send IQs, close. Built from @xmpp/* parts without automatic reconnection, so a
// command runs exactly once.
import { createHash, randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { TLSSocket } from "node:tls";
import { Client, jid as makeJid } from "@xmpp/client-core";
import xml, { type Element } from "@xmpp/xml";
import middleware from "@xmpp/middleware";
import streamFeatures from "@xmpp/stream-features";
import tcp from "@xmpp/tcp";
import sasl2 from "@xmpp/sasl2";
import sasl from "@xmpp/sasl";
import bind2 from "@xmpp/client-core/src/bind2/bind2.js";
import fastFeature from "@xmpp/client-core/src/fast/fast.js";
import iqCaller from "@xmpp/iq/caller.js";
import resourceBinding from "@xmpp/resource-binding";
import SASLFactory from "saslmechanisms";
import { XmgrError } from "../errors.js";
import { bare, foldPart, type Jid } from "../jid.js";
import type { ServerAddress } from "../config/server-address.js";
import type { FastToken } from "../config/state.js";
import { acknowledgeTickets, directTlsTransport, noTlsOffered, refusePlaintext, startTlsFeature } from "./tls.js";
import { registerMechanisms } from "./mechanisms.js";
import { bindingAvailable, HASHED_TOKEN_MECHANISMS, hashedTokenMechanism } from "./hashed-token.js";
import { AnswerLost, connectionFailure, loginFailure } from "./failures.js";
import { redactedXml } from "./trace.js";
import { clip } from "../output/secrets.js";
import { checkOffer, plainRefused, type LoginOffer } from "./login-pin.js";
import { capReceived, destroySocket, startStream, tlsSocketOf } from "./guard.js";

export interface UserAgent {
  id: string;
  software: string;
  version: string;
  device: string;
}

export interface SessionOptions {
  jid: Jid;
  server?: ServerAddress;
  ca?: string;
  insecure: boolean;
  timeoutMs: number;
  password: () => Promise<string>;
  userAgent: UserAgent;
  fastTokens?: {
    read(): FastToken | undefined;
    save(token: FastToken): void;
    delete(): void;
    /**
     * Log in with the saved token and have the server delete it (XEP-0484 `invalidate`): no new
     * token is asked for and no password is used. A token the server refuses, or a server that
     * offers no FAST, fails the login with FastTokenUnusable.
     */
    invalidate?: boolean;
  };
  trace?: (line: string) => void;
  /** Log in with the password only: no FAST token asked for (a one-off login, e.g. a check). */
  noFastToken?: boolean;
  /** Downgrade pin: the strongest login offered before (login-pin.ts); `file` is named in a refusal. */
  pin?: { offer?: LoginOffer; file: string; tokenFile: string };
  /**
   * Bind the resource the classic way (RFC 6120) after a SASL2 login instead of inline with Bind2:
   * for a server whose Bind2 session belongs to the user-agent id (ejabberd), where every run of a
   * profile would end the one before it. One round trip more.
   */
  classicBind?: boolean;
}

/** The stream closed under a request: SessionClosedError, also once wrapped as a lost answer. */
export function closedBeforeAnswer(error: unknown): boolean {
  return error instanceof SessionClosedError || (error instanceof AnswerLost && error.cause instanceof SessionClosedError);
}

export class SessionClosedError extends XmgrError {
  /** `streamError`: the condition (and text) of the stream error the server closed the stream with, if any. */
  constructor(streamError?: string) {
    super(
      "connection",
      `The server closed the connection before answering${streamError ? ` (stream error: ${streamError})` : ""}.`,
      "Try again; if it persists, check the server's log.",
    );
  }
}

/** An invalidating FAST login could not use the token: refused (it no longer logs in) or FAST not offered. */
export class FastTokenUnusable extends XmgrError {
  constructor(readonly refused: boolean) {
    super(
      "auth",
      refused ? "The server refuses the saved FAST token: it no longer logs in." : "The server offers no FAST login now, so the saved token cannot be used or invalidated.",
    );
  }
}

export class XmppSession {
  private closed = false;
  /** The first thing that went wrong on the stream (socket error, stream error, unreadable XML, size cap). */
  private fault: unknown;

  constructor(
    private readonly entity: Client,
    private readonly timeoutMs: number,
    private readonly explain: (error: unknown) => XmgrError = () => new SessionClosedError(),
    /** What the server offered for this login (for the downgrade pin). */
    readonly offered: LoginOffer = { sasl2: false, scramPlus: false, fastBound: false },
    /**
     * A digest of the login features the server offered (its mechanisms, SASL2, FAST …): the same
     * server software and setup gives the same one, so a change says "look at the server again".
     */
    readonly featuresMark: string = "",
  ) {
    entity.on("error", (error: unknown) => (this.fault ??= error));
    entity.on("disconnect", () => (this.closed = true));
    // The server closed the stream (</stream:stream>): answer at once. Prosody counts the session
    // as connected until the client answers or 5 s pass, and a revoke sent meanwhile only disconnects.
    entity.on("close", () => void this.close());
    // Concurrent requests (xmgr shell pipelines them) each listen for their own answer.
    (entity as unknown as NodeJS.EventEmitter).setMaxListeners(0);
  }

  /** Calls `listener` once the stream has closed, whoever closed it (a kept session ends then). */
  onClosed(listener: () => void): void {
    if (!this.isOpen) return void queueMicrotask(listener);
    this.entity.once("disconnect", listener);
  }

  /** False once the stream is closing or closed, by us or by the server: nothing more can be sent on it. */
  get isOpen(): boolean {
    return !this.closed && this.entity.status === "online";
  }

  get account(): string {
    return this.entity.jid?.bare().toString() ?? "";
  }

  /**
   * Sends an IQ and resolves with the matching result or error stanza (it does not throw on
   * type="error"). Sent but not answered (time ran out, the stream ended): AnswerLost.
   */
  request(iq: Element): Promise<Element> {
    const id = randomBytes(8).toString("hex");
    iq.attrs.id = id;
    const answers = (element: Element) => element.name === "iq" && element.attrs.id === id && (element.attrs.type === "result" || element.attrs.type === "error");
    return this.awaitElement(answers, "answer", () => this.entity.send(iq));
  }

  /** The full JID the server bound for this session (Prosody adds a ~suffix to the resource). */
  get boundJid(): string {
    return this.entity.jid?.toString() ?? "";
  }

  /** The address and port this session is connected to (for checking, e.g., that a server stopped listening). */
  get peerAddress(): { host: string; port: number } | undefined {
    const socket = tlsSocketOf(this.entity) as Socket | undefined;
    return socket?.remoteAddress && socket.remotePort ? { host: socket.remoteAddress, port: socket.remotePort } : undefined;
  }

  /** Sends a stanza that is not answered by id (presence, message). */
  async send(stanza: Element): Promise<void> {
    if (this.closed) throw this.closedError();
    await this.entity.send(stanza);
  }

  /**
   * Resolves with the first incoming stanza that `match` accepts, within the timeout; `what` names
   * it in the timeout message. Start waiting before sending what it answers.
   */
  waitFor(match: (stanza: Element) => boolean, what: string): Promise<Element> {
    return this.awaitElement(match, what);
  }

  /**
   * Listens for a stanza, then runs `start` (which sends what it answers); rejects when the stream
   * closes or time runs out, with AnswerLost once `start` has run (what it sent may have arrived).
   */
  private awaitElement(match: (stanza: Element) => boolean, what: string, start?: () => Promise<unknown>): Promise<Element> {
    let sent = false;
    const lost = (error: XmgrError, reason: string) => (sent ? new AnswerLost(error, reason) : error);
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.entity.off("element", onElement);
        this.entity.off("disconnect", onClosed);
      };
      const onElement = (element: Element) => {
        if (!match(element)) return;
        cleanup();
        resolve(element);
      };
      const onClosed = () => {
        cleanup();
        reject(lost(this.closedError(), "the connection ended before the answer"));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(lost(new XmgrError("timeout", `No ${what} from the server within ${this.timeoutMs / 1000} s.`, "Try again, or raise --timeout."), `no answer within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      this.entity.on("element", onElement);
      this.entity.on("disconnect", onClosed);
      if (this.closed) return onClosed();
      if (start) {
        sent = true;
        start().catch(onClosed);
      }
    });
  }

  /** Why the stream ended under a request: a stream error or a plain close, else what broke it. */
  private closedError(): XmgrError {
    const fault = this.fault as { name?: string; condition?: string; text?: string } | undefined;
    if (!fault) return new SessionClosedError();
    if (fault.name === "StreamError") return new SessionClosedError(`${fault.condition}${fault.text ? `, "${clip(fault.text, 300)}"` : ""}`);
    return this.explain(fault);
  }

  /**
   * Ends the stream: the closing tag, then this side of the connection. It does not wait for the
   * server's closing tag: nothing can follow it, and over a real network it costs a round trip.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const socket = tlsSocketOf(this.entity) as Duplex | undefined;
    if (socket?.writable) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 300);
        socket.end("</stream:stream>", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    destroy(this.entity);
  }
}

export async function openSession(options: SessionOptions): Promise<XmppSession> {
  const { jid, timeoutMs } = options;
  // resolve.js (and Node's dns/promises with it) loads only when an address must be looked up.
  const address = options.server ?? (await (await import("./resolve.js")).resolveServer(jid.domain, timeoutMs));
  const service = `${address.tls === "direct" ? "xmpps" : "xmpp"}://${address.host.includes(":") ? `[${address.host}]` : address.host}:${address.port}`;
  const entity = new Client({ domain: jid.domain, service, timeout: timeoutMs });
  capReceived(entity);
  // Known before login, so the stream header carries from= once TLS is up: servers offer FAST only then.
  entity.jid = makeJid(jid.local, jid.domain);
  const tlsPolicy = { domain: jid.domain, ca: options.ca, insecure: options.insecure };
  entity.transports.push(directTlsTransport(tlsPolicy));
  tcp({ entity });
  entity.on("connect", () => {
    // The direct TLS socket, or the plain TCP socket that STARTTLS upgrades later.
    const socket = tlsSocketOf(entity) ?? entity.socket;
    // Each write goes out at once: with Nagle's algorithm a request waits behind an unacknowledged
    // whitespace keep-alive for the server's delayed ACK, 40 ms.
    (socket as Socket | undefined)?.setNoDelay?.(true);
    if (socket instanceof TLSSocket) acknowledgeTickets(socket, entity);
  });

  const mw = middleware({ entity });
  refusePlaintext(mw, service);
  const features = streamFeatures({ middleware: mw });
  startTlsFeature(entity, features, tlsPolicy);

  const saslFactory = new SASLFactory();
  registerMechanisms(saslFactory, () => tlsSocketOf(entity));
  const userAgent = xml(
    "user-agent",
    { id: options.userAgent.id },
    // XEP-0388 has no version field; servers that do not know the attribute ignore it.
    xml("software", { version: options.userAgent.version }, options.userAgent.software),
    xml("device", {}, options.userAgent.device),
  );
  const invalidate = options.fastTokens?.invalidate === true;
  let offered: LoginOffer = { sasl2: false, scramPlus: false, fastBound: false };
  const onAuthenticate = async (done: Function, mechanisms: string[], fast: FastFeature | null, viaSasl2: boolean) => {
    if (!entity.isSecure()) throw noTlsOffered(service);
    const socket = tlsSocketOf(entity);
    offered = {
      sasl2: viaSasl2,
      scramPlus: mechanisms.some((name) => name.endsWith("-PLUS")),
      fastBound: Boolean(fast?.mechanisms.some((name) => name !== "HT-SHA-256-NONE" && bindingAvailable(name, socket))),
    };
    if (options.pin) checkOffer({ pin: options.pin.offer, offer: offered, account: bare(jid), service, pinFile: options.pin.file });
    const saved = options.fastTokens?.read();
    const hadToken = saved !== undefined;
    if (invalidate && !fast) throw new FastTokenUnusable(false);
    if (mechanisms.length === 0) {
      throw new XmgrError("auth", "The server offers no login mechanism xmgr supports.");
    }
    const token = fast ? saved : undefined;
    // Never the password with PLAIN where a FAST token is kept: asked for only if FAST did not log in.
    const password = hadToken && mechanisms[0] === "PLAIN" ? () => Promise.reject(plainRefused(service, options.pin?.tokenFile ?? "")) : askOnce(options.password);
    await done({ username: jid.local, password, token }, mechanisms[0], userAgent);
  };
  const saslTwo = sasl2({ streamFeatures: features, saslFactory }, (done, mechanisms, fast) => onAuthenticate(done, mechanisms, fast as FastFeature | null, true));
  const fast = fastFeature({ sasl2: saslTwo, entity });
  saslTwo.setup({ fast });
  for (const { name } of HASHED_TOKEN_MECHANISMS) fast.saslFactory.use(name, hashedTokenMechanism(name, () => tlsSocketOf(entity)));
  fast.saveToken = async (token) => options.fastTokens?.save(token as FastToken);
  fast.deleteToken = async () => options.fastTokens?.delete();
  fast.auth = (request) => (options.noFastToken ? Promise.resolve(false) : fastLogin(fast, request, invalidate, tlsSocketOf(entity)));
  // A resource name of this run's own. Prosody binds TAG~HASH(client id), the same for every run of
  // a profile, and a second session with the same full JID replaces the first ("conflict"): an
  // open xmgr shell, or the other half of `xmgr … & xmgr …`, would lose its session.
  const resourceName = `xmgr-${randomBytes(3).toString("hex")}`;
  if (!options.classicBind) bind2({ sasl2: saslTwo, entity }, resourceName);
  sasl({ streamFeatures: features, saslFactory }, (done, mechanisms) => onAuthenticate(done, mechanisms, null, false));
  resourceBinding({ streamFeatures: features, iqCaller: iqCaller({ middleware: mw, entity }) }, resourceName);

  let featuresMark = "";
  entity.on("element", (element: Element) => {
    if (featuresMark !== "" || !element.is("features", "http://etherx.jabber.org/streams")) return;
    if (!element.getChild("mechanisms", "urn:ietf:params:xml:ns:xmpp-sasl") && !element.getChild("authentication", "urn:xmpp:sasl:2")) return;
    featuresMark = createHash("sha256").update(element.toString()).digest("hex").slice(0, 32);
  });

  if (options.trace) {
    const trace = options.trace;
    entity.on("send", (element: Element) => trace(`SEND ${redactedXml(element)}`));
    entity.on("element", (element: Element) => trace(`RECV ${redactedXml(element)}`));
  }

  let failure: unknown;
  entity.on("error", (error: unknown) => (failure ??= error));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new XmgrError("timeout", `No login at ${service} within ${timeoutMs / 1000} s.`, "Check --server and the network, or raise --timeout.")),
      timeoutMs,
    );
  });
  try {
    const closed = () => new XmgrError("connection", `The server at ${service} closed the connection before xmgr could log in.`, "Check --server, and the server's log.");
    await Promise.race([startStream(entity, closed), deadline]);
  } catch (error) {
    destroy(entity);
    throw classify(failure ?? error, service, bare(jid));
  } finally {
    clearTimeout(timer);
  }
  return new XmppSession(entity, timeoutMs, (error) => classify(error, service, bare(jid)), offered, featuresMark);
}

type FastFeature = ReturnType<typeof fastFeature>;
type FastAuthRequest = Parameters<FastFeature["auth"]>[0];

/**
 * A FAST login with the saved token (XEP-0484), or false to go on with the password. Unlike
 * @xmpp's own, it binds the token to the TLS channel whenever the server offers a bound
 * mechanism this connection can compute (-EXPR, -UNIQ, -ENDP; -NONE only when none is), and it
 * can ask the server to delete the token it logs in with (`invalidate`), then never asking for a
 * new token nor falling back to the password.
 */
async function fastLogin(fast: FastFeature, request: FastAuthRequest, invalidate: boolean, socket: unknown): Promise<boolean> {
  const { authenticate, credentials, streamFeatures } = request;
  const token = credentials.token as FastToken | undefined;
  const usable = fast.mechanisms.filter((name) => bindingAvailable(name, socket));
  // The mechanism a new token is asked for, and saved with (@xmpp saves fast.mechanism).
  fast.mechanism = usable[0] ?? null;
  const askForToken = () => {
    if (!invalidate) streamFeatures.push(xml("request-token", { xmlns: NS_FAST, mechanism: fast.mechanism }));
  };
  if (!fast.mechanism) {
    if (invalidate) throw new FastTokenUnusable(false);
    return false;
  }
  // A token is bound to the mechanism it was issued for: an unbound one is not used where a bound one can be had.
  const weaker = token?.mechanism === "HT-SHA-256-NONE" && fast.mechanism !== "HT-SHA-256-NONE";
  if (!token || !usable.includes(token.mechanism) || (weaker && !invalidate) || !(new Date(token.expiry) > new Date())) {
    if (invalidate) throw new FastTokenUnusable(!token || usable.includes(token.mechanism));
    askForToken();
    return false;
  }
  try {
    await authenticate({
      ...request,
      saslFactory: fast.saslFactory,
      mechanism: token.mechanism,
      // Prosody looks a token up by the username exactly as sent (no nodeprep, unlike a password
      // login): the user part as the server stores it, so that ALICE@… uses alice@…'s token.
      credentials: { ...credentials, username: foldPart(credentials.username), password: token.token },
      streamFeatures: [...streamFeatures, xml("fast", { xmlns: NS_FAST, ...(invalidate && { invalidate: "true" }) })],
    });
    return true;
  } catch (error) {
    const condition = (error as { name?: string; condition?: string }).condition;
    if ((error as Error).name !== "SASLError" || (condition !== "not-authorized" && condition !== "credentials-expired")) throw error;
    await fast.delete();
    if (invalidate) throw new FastTokenUnusable(true);
    askForToken();
    return false;
  }
}

const NS_FAST = "urn:xmpp:fast:0";

function askOnce(password: () => Promise<string>): () => Promise<string> {
  let answer: Promise<string> | undefined;
  return () => (answer ??= password());
}

function classify(error: unknown, service: string, account: string): XmgrError {
  if (error instanceof XmgrError) return error;
  return loginFailure(error, account) ?? connectionFailure(error, service);
}

function destroy(entity: Client): void {
  destroySocket(entity.socket);
  entity.on("error", () => undefined);
}
