// XEP-0199 XMPP Ping: the request and what its answer says. Pure: no I/O.
import type { Element } from "@xmpp/xml";
import xml from "@xmpp/xml";
import { readStanzaError, type StanzaErrorInfo } from "./stanza-error.js";

export const NS_PING = "urn:xmpp:ping";

export const pingRequest = (to: string): Element => xml("iq", { type: "get", to }, xml("ping", { xmlns: NS_PING }));

export type PingAnswer = { ok: true; from: string } | { ok: false; from: string; error: StanzaErrorInfo };

export function parsePingAnswer(iq: Element, to: string): PingAnswer {
  const from = typeof iq.attrs.from === "string" ? iq.attrs.from : to;
  return iq.attrs.type === "result" ? { ok: true, from } : { ok: false, from, error: readStanzaError(iq) };
}

