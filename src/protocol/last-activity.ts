// XEP-0012 Last Activity sent to a server: its uptime in seconds (Prosody's mod_uptime).
// Pure: no I/O.
import type { Element } from "@xmpp/xml";
import xml from "@xmpp/xml";
import { XmgrError } from "../errors.js";
import { queryFailure } from "./query-failure.js";
import { readStanzaError } from "./stanza-error.js";

export const NS_LAST = "jabber:iq:last";

export const lastActivityRequest = (to: string): Element => xml("iq", { type: "get", to }, xml("query", { xmlns: NS_LAST }));

/** The seconds a server has been running, from its answer to lastActivityRequest(host). */
export function parseUptimeSeconds(iq: Element, to: string, missing?: string): number {
  if (iq.attrs.type === "error") throw queryFailure(readStanzaError(iq), to, "uptime requests (XEP-0012)", missing);
  const seconds = iq.getChild("query", NS_LAST)?.attrs.seconds;
  if (iq.attrs.type !== "result" || typeof seconds !== "string" || !/^\d{1,12}$/.test(seconds)) {
    throw new XmgrError("failure", `The answer of ${to} to an uptime request holds no number of seconds.`);
  }
  return Number(seconds);
}
