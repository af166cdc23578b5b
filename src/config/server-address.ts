// Where to open a connection: --server HOST[:PORT], xmpp://HOST[:PORT] (STARTTLS) or
// xmpps://HOST[:PORT] (direct TLS) for XMPP; --http-server HOST[:PORT] for HTTP.
import { usageError, quoted } from "../errors.js";

export interface ServerAddress {
  tls: "starttls" | "direct";
  host: string;
  port: number;
}

const ADDRESS = /^(?:([a-z]+):\/\/)?(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+)(?::(\d{1,5}))?\/?$/;

function split(text: string, schemes: string[], usage: string) {
  const match = ADDRESS.exec(text.trim());
  const port = match?.[3] ? Number(match[3]) : undefined;
  if (!match || (match[1] && !schemes.includes(match[1])) || (port !== undefined && (port < 1 || port > 65535))) {
    throw usageError(`Invalid server address ${quoted(text)}.`, usage);
  }
  return { scheme: match[1], host: match[2].replace(/^\[|\]$/g, ""), port };
}

export function parseServerAddress(text: string): ServerAddress {
  const { scheme, host, port } = split(text, ["xmpp", "xmpps"], "Use HOST, HOST:PORT, xmpp://HOST[:PORT] (STARTTLS) or xmpps://HOST[:PORT] (direct TLS).");
  const tls = scheme === "xmpps" ? "direct" : "starttls";
  return { tls, host, port: port ?? (tls === "direct" ? 5223 : 5222) };
}

export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const { host, port } = split(text, [], "Use HOST or HOST:PORT.");
  return { host, port: port ?? defaultPort };
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
