// Just enough JID handling for an admin tool: split, check, and compare bare JIDs.
// Anything that is not a plausible JID is refused before a connection is made.
import { domainToASCII } from "node:url";
import { usageError, quoted } from "./errors.js";
import { NOT_IN_XML } from "./protocol/xml-chars.js";

export interface Jid {
  local: string;
  domain: string;
  resource?: string;
}

const FORBIDDEN_IN_LOCAL = /["&'/:<>@\s\p{Cc}]/u;
const FORBIDDEN_IN_DOMAIN = /[\s/@\p{Cc}]/u;
const MAX_PART = 1023;

export function parseJid(text: string, what = "JID"): Jid {
  const slash = text.indexOf("/");
  const bare = slash === -1 ? text : text.slice(0, slash);
  const resource = slash === -1 ? undefined : text.slice(slash + 1);
  const at = bare.lastIndexOf("@");
  const local = at === -1 ? "" : bare.slice(0, at);
  const domain = (at === -1 ? bare : bare.slice(at + 1)).toLowerCase();
  const problem =
    NOT_IN_XML.test(text)
      ? "it contains a character XML cannot carry"
      : at === -1
      ? "the domain is missing (expected user@domain)"
      : local === ""
      ? "it has no user part (expected user@domain)"
      : FORBIDDEN_IN_LOCAL.test(local)
        ? "its user part contains a character JIDs do not allow"
        : domain === "" || FORBIDDEN_IN_DOMAIN.test(domain) || domain.startsWith(".") || domain.endsWith(".")
          ? "its domain is not a valid host name"
          : local.length > MAX_PART || domain.length > MAX_PART || (resource?.length ?? 0) > MAX_PART
            ? "it is too long"
            : resource === ""
              ? "it ends with an empty resource"
              : undefined;
  if (problem) {
    throw usageError(`Invalid ${what} ${quoted(text)}: ${problem}.`);
  }
  return { local, domain, resource };
}

export function parseBareJid(text: string, what = "JID"): Jid {
  const jid = parseJid(text, what);
  if (jid.resource !== undefined) {
    throw usageError(`Invalid ${what} ${quoted(text)}: expected a bare JID without "/resource".`);
  }
  return jid;
}

export const bare = (jid: Jid): string => `${jid.local}@${jid.domain}`;

export const sameBare = (a: Jid, b: Jid): boolean =>
  a.domain === b.domain && a.local.toLowerCase() === b.local.toLowerCase();

/** A host or component name (example.com, chat.example.com): a JID's domain part alone. */
export function parseHost(text: string, what = "host"): string {
  const host = text.toLowerCase();
  if (host === "" || host.includes("@") || FORBIDDEN_IN_DOMAIN.test(host) || NOT_IN_XML.test(host) || host.startsWith(".") || host.endsWith(".") || host.length > MAX_PART) {
    throw usageError(`Invalid ${what} ${JSON.stringify(text)}: expected a domain such as example.com.`);
  }
  return host;
}

/** Any address an IQ may go to: a host, a bare JID or a full JID. Returned as text. */
export function parseAddress(text: string, what = "JID"): string {
  const slash = text.indexOf("/");
  const bareText = slash === -1 ? text : text.slice(0, slash);
  if (!bareText.includes("@")) {
    const host = parseHost(bareText, what);
    if (slash === -1) return host;
    const resource = text.slice(slash + 1);
    if (resource === "" || resource.length > MAX_PART || NOT_IN_XML.test(resource)) throw usageError(`Invalid ${what} ${JSON.stringify(text)}: its resource is not valid.`);
    return `${host}/${resource}`;
  }
  const jid = parseJid(text, what);
  return `${jid.local}@${jid.domain}${jid.resource !== undefined ? `/${jid.resource}` : ""}`;
}

/** Characters stringprep (RFC 3454 table B.1) maps to nothing: soft hyphen, joiners, variation selectors. */
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;

/**
 * A JID part as nodeprep/nameprep make it: table B.1 removed, NFKC, Unicode case folding (ß and
 * ẞ to "ss", final sigma to sigma; dotless ı kept, which case folding keeps), NFKC again.
 */
export function foldPart(text: string): string {
  const folded = [...text.replace(MAPPED_TO_NOTHING, "").normalize("NFKC")]
    .map((char) => (char === "ı" ? char : char.toLowerCase().toUpperCase().toLowerCase()))
    .join("");
  return folded.normalize("NFKC");
}

/**
 * The account as the server keys it, for naming what xmgr keeps per account: `ALICE@Example.TEST`
 * and `alice@example.test` are one account. The domain in IDNA's ASCII form (lower case, punycode).
 */
export function accountKey(account: string): string {
  const at = account.lastIndexOf("@");
  if (at === -1) return domainToASCII(foldPart(account)) || foldPart(account);
  const local = foldPart(account.slice(0, at));
  const domain = foldPart(account.slice(at + 1));
  return `${local}@${domainToASCII(domain) || domain}`;
}
