// -v output of the XML exchanged: SASL payloads, FAST tokens and passwords are replaced, so that
// no secret reaches the terminal or a log.
import type { Element } from "@xmpp/xml";

const SECRET_NAMESPACES = new Set(["urn:ietf:params:xml:ns:xmpp-sasl", "urn:xmpp:sasl:2", "urn:xmpp:fast:0"]);
const SECRET_ELEMENTS = new Set(["auth", "response", "challenge", "success", "initial-response", "additional-data", "token", "password"]);
const SECRET_ATTRIBUTES = new Set(["token", "password"]);
const REDACTED = "[redacted]";

/** A copy of the element as text with secret text and attributes redacted. */
export function redactedXml(element: Element, insideSecretNamespace = false): string {
  const namespace = (element.attrs.xmlns as string | undefined) ?? undefined;
  const secretScope = insideSecretNamespace || (namespace !== undefined && SECRET_NAMESPACES.has(namespace));
  const attrs = Object.entries(element.attrs)
    .map(([name, value]) => ` ${name}="${SECRET_ATTRIBUTES.has(name) ? REDACTED : escape(String(value))}"`)
    .join("");
  const hideText = (secretScope && SECRET_ELEMENTS.has(element.name)) || element.name === "password";
  const children = element.children
    .map((child) =>
      typeof child === "string" ? (hideText && child.trim() ? REDACTED : escape(child)) : redactedXml(child, secretScope),
    )
    .join("");
  return children ? `<${element.name}${attrs}>${children}</${element.name}>` : `<${element.name}${attrs}/>`;
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
