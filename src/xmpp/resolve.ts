// Where a domain's XMPP clients connect: its SRV records (direct TLS first), else DOMAIN:5222.
// An internationalised domain is looked up by its A-label (xn--…), as DNS knows it.
import { domainToASCII } from "node:url";
import type { ServerAddress } from "../config/server-address.js";

/** The SRV names to look up for `domain`: direct TLS, then STARTTLS, in A-labels. */
export function srvNames(domain: string): [string, string] {
  const ascii = asciiDomain(domain);
  return [`_xmpps-client._tcp.${ascii}`, `_xmpp-client._tcp.${ascii}`];
}

/** The domain in A-labels (unchanged when it is ASCII already, or not convertible). */
export function asciiDomain(domain: string): string {
  return domainToASCII(domain) || domain;
}

export async function resolveServer(domain: string, timeoutMs: number): Promise<ServerAddress> {
  const { Resolver } = await import("node:dns/promises"); // loaded only when an address must be looked up
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
