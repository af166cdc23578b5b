// TLS for both ways into an XMPP server, verified against the JID's domain and the --ca file:
// direct TLS (xmpps://) as a transport, and STARTTLS as a stream feature.
import tls from "node:tls";
import net from "node:net";
import ConnectionTLS from "@xmpp/tls/lib/Connection.js";
import TLSSocket from "@xmpp/tls/lib/Socket.js";
import xml from "@xmpp/xml";
import type { Client } from "@xmpp/client-core";
import { XmgrError } from "../errors.js";
import { compileIPv6Check } from "../v8-tuning.js";
import { secureContextFor } from "../tls-trust.js";
import { asciiDomain } from "./domain.js";

const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";
const NS_STREAMS = "http://etherx.jabber.org/streams";

export interface TlsPolicy {
  domain: string;
  ca?: string;
  insecure: boolean;
}

function tlsOptions(policy: TlsPolicy): tls.ConnectionOptions {
  compileIPv6Check();
  // SNI and the certificate check use the A-label form (xn--…) of an internationalised domain; an
  // IP address is no SNI name (RFC 6066; Node warns), but the certificate is still checked against it.
  const domain = asciiDomain(policy.domain);
  return {
    servername: net.isIP(domain) ? undefined : domain,
    checkServerIdentity: (_host, certificate) => tls.checkServerIdentity(domain, certificate),
    secureContext: secureContextFor(policy),
    rejectUnauthorized: !policy.insecure,
  };
}

/** A direct-TLS transport for xmpps:// services that verifies the domain, not the address dialled. */
export function directTlsTransport(policy: TlsPolicy) {
  class VerifiedDirectTls extends ConnectionTLS {
    socketParameters(service: string) {
      const parameters = super.socketParameters(service);
      return parameters && { ...parameters, ...tlsOptions(policy) };
    }
  }
  return VerifiedDirectTls;
}

/** Why xmgr does not log in: the server at `service` offered no TLS. */
export function noTlsOffered(service: string): XmgrError {
  return new XmgrError(
    "tls",
    `The server at ${service} offered no TLS; xmgr does not log in over an unencrypted connection.`,
    "Use an xmpps:// address for direct TLS, or enable STARTTLS on the server (c2s_require_encryption).",
  );
}

/**
 * Stops at the first stream features of an unencrypted stream that do not offer STARTTLS (a
 * server without TLS, or a man in the middle who removed it): xmgr never logs in in the clear,
 * whatever else the features offer. Register it before any other feature.
 */
export function refusePlaintext(middleware: { use(handler: (ctx: { stanza: ReturnType<typeof xml>; entity: Client }, next: () => unknown) => unknown): unknown }, service: string): void {
  middleware.use((ctx, next) => {
    const { stanza, entity } = ctx;
    if (stanza.is("features", NS_STREAMS) && !entity.isSecure() && !stanza.getChild("starttls", NS_TLS)) throw noTlsOffered(service);
    return next();
  });
}

/** Upgrades the plain stream with STARTTLS. The caller refuses to log in when no TLS was offered. */
export function startTlsFeature(entity: Client, streamFeatures: StreamFeatures, policy: TlsPolicy): void {
  // The TLS context and the IPv6 check (a few ms of CPU, both kept for the run) are made while the
  // server answers the stream header, not after its <proceed/>; a failure is thrown again there.
  entity.once("connect", () =>
    setImmediate(() => {
      try {
        tlsOptions(policy);
      } catch {}
    }),
  );
  streamFeatures.use("starttls", NS_TLS, async ({ entity }: { entity: Client }, next: () => Promise<void>) => {
    const plain = entity.socket;
    if (!(plain instanceof net.Socket) || plain instanceof tls.TLSSocket) return next();
    const answer = await sendReceive(entity, xml("starttls", { xmlns: NS_TLS }));
    if (!answer.is("proceed", NS_TLS)) throw new Error("The server refused STARTTLS.");
    const secured = new TLSSocket();
    const connected = new Promise<void>((resolve, reject) => {
      secured.once("connect", resolve);
      secured.once("error", reject);
    });
    secured.connect({ socket: plain, ...tlsOptions(policy) });
    await connected;
    if (secured.socket) acknowledgeTickets(secured.socket, entity);
    entity._attachSocket(secured);
    await entity.restart();
  });
}

/**
 * A TLS 1.3 server sends session tickets after the handshake. When they arrive after xmgr's stream
 * header, xmgr has nothing more to send, the kernel delays its ACK by 40 ms, and a server with
 * Nagle's algorithm on (Prosody's default) holds its stream features until then. A whitespace
 * keep-alive after the header, valid in any XMPP stream, carries the ACK at once.
 */
export function acknowledgeTickets(socket: tls.TLSSocket, entity: Client): void {
  socket.on("session", () => {
    // Not from inside the event: it fires within OpenSSL's read, and writing there garbles the record.
    setImmediate(() => {
      // Only while the stream header is out and the server's answer awaited: that is the wait
      // the ACK shortens, and there a keep-alive can never land before a (restarted) header.
      if (entity.status === "opening" && socket.writable) socket.write(" ");
    });
  });
}

export interface StreamFeatures {
  use(name: string, xmlns: string, handler: (...args: any[]) => unknown): void;
}

function sendReceive(entity: Client, element: ReturnType<typeof xml>) {
  return new Promise<ReturnType<typeof xml>>((resolve, reject) => {
    entity.once("element", resolve);
    entity.send(element).catch(reject);
  });
}
