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
 *
 * `fault` makes it lose answers, as a stalled or cut connection does: on the first connection
 * whose client data matches `armWhen`, after `afterAnswers` more IQs from the server, it
 * "stalls" (passes nothing more to xmgr, keeps the connection), "cuts" (closes both sides instead
 * of passing the next answer on) or "drops-request" (the matching data and all after it never
 * reach the server). `refuseLater` then closes every new connection at once (no check possible).
 * relay.faulted() resolves when it happened.
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
  fault?: RelayFault;
}

export interface RelayFault {
  armWhen: (fromClient: string) => boolean;
  then: "stall" | "cut" | "drop-request";
  afterAnswers?: number;
  refuseLater?: boolean;
}

export interface Relay {
  port: number;
  /** Everything xmgr sent, decrypted. */
  fromClient(): string;
  /** Everything the real server sent, decrypted (before any rewrite). */
  fromServer(): string;
  /** Resolves when the fault has struck (answers are being lost from then on). */
  faulted(): Promise<void>;
  close(): Promise<void>;
}

export async function tlsRelay(options: RelayOptions): Promise<Relay> {
  const up: string[] = [];
  const down: string[] = [];
  const sockets = new Set<net.Socket>();
  const ca = readFileSync(options.upstreamCa);
  const fault = options.fault;
  let faultState: "waiting" | "armed" | "struck" = "waiting";
  let struck: () => void = () => {};
  const faulted = new Promise<void>((resolve) => (struck = resolve));
  const server = tls.createServer({ key: options.cert.key, cert: options.cert.cert }, (client) => {
    if (fault?.refuseLater && faultState === "struck") {
      client.destroy();
      return;
    }
    const upstream = tls.connect({ port: options.upstreamPort, host: "127.0.0.1", ca, servername: options.servername });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    let faulty = false; // this connection is the one the fault is on
    let answersLeft = 0;
    const strike = () => {
      faultState = "struck";
      struck();
      if (fault!.then === "cut") {
        client.destroy();
        upstream.destroy();
      }
    };
    client.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      up.push(text);
      if (fault && faultState === "waiting" && fault.armWhen(text)) {
        faultState = "armed";
        faulty = true;
        answersLeft = fault.afterAnswers ?? 0;
        if (fault.then === "drop-request") strike();
      }
      if (faulty && fault!.then === "drop-request") return;
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      down.push(text);
      if (faulty && fault!.then !== "drop-request") {
        if (faultState === "struck") return;
        // Each IQ the server starts is an answer: `afterAnswers` of them pass, the fault strikes where the next one starts.
        for (let from = 0; ; ) {
          const at = text.indexOf("<iq", from);
          if (at < 0) break;
          if (answersLeft === 0) {
            const allowed = text.slice(0, at);
            if (allowed) client.write(options.rewriteDown ? options.rewriteDown(allowed) : allowed);
            strike();
            return;
          }
          answersLeft--;
          from = at + 3;
        }
      }
      client.write(options.rewriteDown ? options.rewriteDown(text) : text);
    });
  });
  server.on("tlsClientError", () => undefined);
  const port = await listenOnLoopback(server);
  return {
    port,
    fromClient: () => up.join(""),
    fromServer: () => down.join(""),
    faulted: () => faulted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return closeServer(server);
    },
  };
}
