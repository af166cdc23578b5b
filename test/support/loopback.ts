/**
 * Small servers the tests start on loopback: listen on a free port, close with whatever
 * connections are still open (an HTTP server keeps idle keep-alive ones otherwise).
 */
import http from "node:http";
import type net from "node:net";

/** Starts `server` on a free port of `host`; resolves with the port. */
export async function listenOnLoopback(server: net.Server, host = "127.0.0.1"): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as net.AddressInfo).port;
}

/** Closes `server` (nothing if undefined), and for an HTTP server the connections open on it. */
export function closeServer(server: net.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  if (server instanceof http.Server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
