// The manage-clients protocol (xmpp:prosody.im/protocol/manage-clients) as Prosody 13 speaks it:
// building the list/revoke requests and reading the answers. Pure: no I/O.
import type { Element } from "@xmpp/xml";
import xml from "@xmpp/xml";
import { XmgrError } from "../errors.js";

export { readStanzaError, type StanzaErrorInfo } from "./stanza-error.js";

export const NS_MANAGE_CLIENTS = "xmpp:prosody.im/protocol/manage-clients";

export type AuthKind = "password" | "grant" | "fast";

export interface UserAgent {
  software?: string;
  version?: string;
  softwareId?: string;
  device?: string;
  uri?: string;
}

export interface Client {
  id: string;
  type?: string;
  connected: boolean;
  firstSeen?: string;
  lastSeen?: string;
  auth: AuthKind[];
  userAgent?: UserAgent;
}

const AUTH_ELEMENTS: Record<string, AuthKind> = {
  password: "password",
  "bearer-token": "grant",
  grant: "grant",
  fast: "fast",
};

export function listRequest(to?: string): Element {
  return xml("iq", { type: "get", ...(to && { to }) }, xml("list", { xmlns: NS_MANAGE_CLIENTS }));
}

export function revokeRequest(selector: string, to?: string): Element {
  return xml("iq", { type: "set", ...(to && { to }) }, xml("revoke", { xmlns: NS_MANAGE_CLIENTS, id: selector }));
}

/** Reads a `list` result. Unknown elements and attributes are ignored; a missing <clients/> is an error. */
export function parseClients(iq: Element): Client[] {
  const clients = iq.getChild("clients", NS_MANAGE_CLIENTS);
  if (!clients) {
    throw new XmgrError("failure", "The server's answer to the client list holds no <clients/> element.");
  }
  return clients
    .getChildren("client")
    .filter((client) => typeof client.attrs.id === "string" && client.attrs.id !== "")
    .map(readClient);
}

// One pass over the children and no intermediate objects: a list can hold 10,000 clients.
function readClient(client: Element): Client {
  let firstSeen: string | undefined;
  let lastSeen: string | undefined;
  let agent: Element | undefined;
  const auth = new Set<AuthKind>();
  for (const child of client.children) {
    if (typeof child === "string") continue;
    if (child.name === "first-seen") firstSeen ??= timestamp(child.text());
    else if (child.name === "last-seen") lastSeen ??= timestamp(child.text());
    else if (child.name === "user-agent") agent ??= child;
    else if (child.name === "auth") {
      for (const kind of child.getChildElements()) {
        if (Object.hasOwn(AUTH_ELEMENTS, kind.name)) auth.add(AUTH_ELEMENTS[kind.name]); // not <constructor/> etc.
      }
    }
  }
  const result = { id: String(client.attrs.id) } as Client;
  const type = textAttr(client, "type");
  if (type !== undefined) result.type = type;
  result.connected = client.attrs.connected === "true";
  if (firstSeen !== undefined) result.firstSeen = firstSeen;
  if (lastSeen !== undefined) result.lastSeen = lastSeen;
  result.auth = [...auth];
  const userAgent = readUserAgent(agent);
  if (userAgent !== undefined) result.userAgent = userAgent;
  return result;
}

function readUserAgent(agent: Element | undefined): UserAgent | undefined {
  if (!agent) return undefined;
  const software = agent.getChild("software");
  const userAgent = withoutEmpty({
    software: nonEmpty(software?.text()),
    version: software && textAttr(software, "version"),
    softwareId: software && textAttr(software, "id"),
    device: nonEmpty(agent.getChildText("device")),
    uri: nonEmpty(agent.getChildText("uri")),
  });
  return Object.keys(userAgent).length > 0 ? userAgent : undefined;
}

const CANONICAL_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** Normalises an XEP-0082 timestamp to ISO 8601 UTC; leaves out what does not parse. */
function timestamp(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  if (CANONICAL_UTC.test(text) && !Number.isNaN(Date.parse(text))) return text; // what Prosody sends
  const time = Date.parse(text.trim());
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().replace(".000Z", "Z");
}

const nonEmpty = (text: string | null | undefined) => (text ? text.trim() || undefined : undefined);

const textAttr = (element: Element, name: string) =>
  typeof element.attrs[name] === "string" ? nonEmpty(element.attrs[name]) : undefined;

function withoutEmpty<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** Whether a revoke was refused because the client logged in with the account's password. */
export function passwordResetRequired(iq: Element): boolean {
  return Boolean(iq.getChild("error")?.getChild("password-reset-required"));
}
