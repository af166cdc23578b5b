// Where a domain's XMPP clients connect: its SRV records (direct TLS first), else DOMAIN:5222.
// An internationalised domain is looked up by its A-label (xn--…), as DNS knows it.
// Static import: inside the bundle, import() works only for xmgr's own modules, not Node's.
import { Resolver } from "node:dns/promises";
import { asciiDomain } from "./domain.js";
import type { ServerAddress } from "../config/server-address.js";

/** The SRV names to look up for `domain`: direct TLS, then STARTTLS, in A-labels. */
export function srvNames(domain: string): [string, string] {
  const ascii = asciiDomain(domain);
  return [`_xmpps-client._tcp.${ascii}`, `_xmpp-client._tcp.${ascii}`];
}

export async function resolveServer(domain: string, timeoutMs: number): Promise<ServerAddress> {
  const resolver = new Resolver({ timeout: Math.min(timeoutMs, 3000), tries: 1 });
  const lookup = (name: string) => resolver.resolveSrv(name).catch(() => []);
  const [directName, starttlsName] = srvNames(domain);
  const [direct, starttls] = await Promise.all([lookup(directName), lookup(starttlsName)]);
  const best = (records: { name: string; port: number; priority: number }[]) =>
    records.filter((record) => record.name !== ".").sort((a, b) => a.priority - b.priority)[0];
  const directRecord = best(direct);
  if (directRecord) return { tls: "direct", host: directRecord.name, port: directRecord.port };
  const starttlsRecord = best(starttls);
  if (starttlsRecord) return { tls: "starttls", host: starttlsRecord.name, port: starttlsRecord.port };
  return { tls: "starttls", host: asciiDomain(domain), port: 5222 };
}
