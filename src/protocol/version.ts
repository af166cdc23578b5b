// XEP-0092 Software Version: the request and its answer. Pure: no I/O.
import type { Element } from "@xmpp/xml";
import xml from "@xmpp/xml";
import { XmgrError } from "../errors.js";
import { queryFailure } from "./query-failure.js";
import { readStanzaError } from "./stanza-error.js";

export const NS_VERSION = "jabber:iq:version";

export interface SoftwareVersion {
  name: string;
  version: string;
  /** Absent when the server keeps it to itself (Prosody: hide_os_type). */
  os?: string;
}

export const versionRequest = (to: string): Element => xml("iq", { type: "get", to }, xml("query", { xmlns: NS_VERSION }));

/** `missing`: what to do where `to` does not answer version requests (the dialect's hint). */
export function parseVersion(iq: Element, to: string, missing?: string): SoftwareVersion {
  if (iq.attrs.type === "error") throw queryFailure(readStanzaError(iq), to, "version requests", missing);
  const query = iq.getChild("query", NS_VERSION);
  const name = query?.getChildText("name")?.trim();
  const version = query?.getChildText("version")?.trim();
  if (iq.attrs.type !== "result" || !name || !version) {
    throw new XmgrError("failure", `The answer of ${to} to a version request holds no name and version.`);
  }
  const os = query?.getChildText("os")?.trim();
  return { name, version, ...(os && { os }) };
}
