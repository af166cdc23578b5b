// Reading the <error/> of an IQ error reply (RFC 6120 §8.3). Pure: no I/O.
import type { Element } from "@xmpp/xml";

const NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

export interface StanzaErrorInfo {
  condition: string;
  text?: string;
  application?: string;
}

/** Reads the <error/> of an IQ error reply; tolerates empty or odd error elements. */
export function readStanzaError(iq: Element): StanzaErrorInfo {
  const error = iq.getChild("error");
  const children = error?.getChildElements() ?? [];
  const condition = children.find((child) => child.attrs.xmlns === NS_STANZAS && child.name !== "text");
  const application = children.find((child) => child.attrs.xmlns !== NS_STANZAS);
  const text = error?.getChildText("text", NS_STANZAS)?.trim();
  const info: StanzaErrorInfo = { condition: condition?.name ?? "undefined-condition" };
  if (text) info.text = text;
  if (application) info.application = application.name;
  return info;
}
