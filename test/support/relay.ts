/**
 * A TLS-terminating relay on loopback: what an interceptor with a certificate xmgr trusts does.
 * It accepts xmgr's direct-TLS connection with its own certificate, opens its own TLS connection
 * to the real server (trusting the test bed's CA), and passes the XMPP bytes through, recording
 * both directions. `rewriteDown` may change what the server sends before xmgr sees it (e.g. strip
 * mechanisms from the stream features).
 *
 *   const relay = await tlsRelay({ cert, upstreamPort: tb.directTlsPort, upstreamCa: tb.caFile, servername: tb.host });
 *   xmgr --server xmpps://127.0.0.1:${relay.port} --ca ${cert.certFile} …
 *   relay.fromClient(), relay.fromServer(); await relay.close();
 */
import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import type { Certificate } from "./hostile.js";
import { closeServer, listenOnLoopback } from "./loopback.js";

export interface RelayOptions {
  cert: Certificate;
  upstreamPort: number;
  upstreamCa: string;
  servername: string;
  rewriteDown?: (text: string) => string;
}

export interface Relay {
  port: number;
  /** Everything xmgr sent, decrypted. */
  fromClient(): string;
  /** Everything the real server sent, decrypted (before any rewrite). */
  fromServer(): string;
  close(): Promise<void>;
}

export async function tlsRelay(options: RelayOptions): Promise<Relay> {
  const up: string[] = [];
  const down: string[] = [];
  const sockets = new Set<net.Socket>();
  const ca = readFileSync(options.upstreamCa);
  const server = tls.createServer({ key: options.cert.key, cert: options.cert.cert }, (client) => {
    const upstream = tls.connect({ port: options.upstreamPort, host: "127.0.0.1", ca, servername: options.servername });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk: Buffer) => {
      up.push(chunk.toString("utf8"));
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      down.push(text);
      client.write(options.rewriteDown ? options.rewriteDown(text) : text);
    });
  });
  server.on("tlsClientError", () => undefined);
  const port = await listenOnLoopback(server);
  return {
    port,
    fromClient: () => up.join(""),
    fromServer: () => down.join(""),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return closeServer(server);
    },
  };
}
