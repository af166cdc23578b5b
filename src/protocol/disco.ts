// XEP-0030 service discovery (info and items) and the XEP-0157 contact addresses a server may
// publish in its disco#info (XEP-0128 extended info). Pure: no I/O.
import type { Element } from "@xmpp/xml";
import xml from "@xmpp/xml";
import { XmgrError } from "../errors.js";
import { NS_DATA, fieldValues, parseForm } from "./data-form.js";
import { queryFailure } from "./query-failure.js";
import { readStanzaError } from "./stanza-error.js";

export const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
export const NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
const SERVERINFO = "http://jabber.org/network/serverinfo";

export interface Identity {
  category: string;
  type: string;
  name?: string;
}

export interface DiscoInfo {
  identities: Identity[];
  features: string[];
  /** XEP-0157: "admin-addresses" → ["xmpp:admin@example.com", "mailto:…"]; empty when not published. */
  contacts: Record<string, string[]>;
}

export interface DiscoItem {
  jid: string;
  name?: string;
  node?: string;
}

export const discoInfoRequest = (to: string): Element => xml("iq", { type: "get", to }, xml("query", { xmlns: NS_DISCO_INFO }));
export const discoItemsRequest = (to: string): Element => xml("iq", { type: "get", to }, xml("query", { xmlns: NS_DISCO_ITEMS }));

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

function queryOf(iq: Element, ns: string, to: string, what: string): Element {
  if (iq.attrs.type === "error") throw queryFailure(readStanzaError(iq), to, what, `Load mod_disco on ${to}.`);
  const query = iq.getChild("query", ns);
  if (iq.attrs.type !== "result" || !query) throw new XmgrError("failure", `The answer of ${to} to ${what} is not a ${ns.slice(ns.indexOf("#") + 1)} result.`);
  return query;
}

export function parseDiscoInfo(iq: Element, to: string): DiscoInfo {
  const query = queryOf(iq, NS_DISCO_INFO, to, "service discovery (disco#info)");
  const identities = query.getChildren("identity").flatMap((identity): Identity[] => {
    const category = str(identity.attrs.category);
    const type = str(identity.attrs.type);
    const name = str(identity.attrs.name);
    return category && type ? [{ category, type, ...(name && { name }) }] : [];
  });
  const features = query.getChildren("feature").flatMap((feature) => str(feature.attrs.var) ?? []);
  const contacts: Record<string, string[]> = {};
  for (const x of query.getChildren("x", NS_DATA)) {
    const form = parseForm(x);
    if (fieldValues(form, "FORM_TYPE")?.[0] !== SERVERINFO) continue;
    for (const field of form.fields) {
      if (field.var && field.var !== "FORM_TYPE" && field.values.length > 0) contacts[field.var] = field.values;
    }
  }
  return { identities, features, contacts };
}

export function parseDiscoItems(iq: Element, to: string): DiscoItem[] {
  const query = queryOf(iq, NS_DISCO_ITEMS, to, "service discovery (disco#items)");
  return query.getChildren("item").flatMap((item): DiscoItem[] => {
    const jid = str(item.attrs.jid);
    const name = str(item.attrs.name);
    const node = str(item.attrs.node);
    return jid ? [{ jid, ...(name && { name }), ...(node && { node }) }] : [];
  });
}

/** "server/im (Prosody)". */
export const identityText = (identity: Identity): string => `${identity.category}/${identity.type}${identity.name ? ` (${identity.name})` : ""}`;
