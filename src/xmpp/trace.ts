// -v output of the XML exchanged: SASL payloads, FAST tokens and passwords are replaced, so that
// no secret reaches the terminal or a log.
import type { Element } from "@xmpp/xml";

const SECRET_NAMESPACES = new Set(["urn:ietf:params:xml:ns:xmpp-sasl", "urn:xmpp:sasl:2", "urn:xmpp:fast:0"]);
const SECRET_ELEMENTS = new Set(["auth", "response", "challenge", "success", "initial-response", "additional-data", "token", "password"]);
const SECRET_ATTRIBUTES = new Set(["token", "password"]);
const REDACTED = "[redacted]";
/** Passed down to a password field's <value/> children. */
const PASSWORD_FIELD = "password-field";

/** A copy of the element as text with secret text and attributes redacted. */
export function redactedXml(element: Element, insideSecretNamespace: boolean | typeof PASSWORD_FIELD = false): string {
  const namespace = (element.attrs.xmlns as string | undefined) ?? undefined;
  const secretScope = insideSecretNamespace === true || (namespace !== undefined && SECRET_NAMESPACES.has(namespace));
  const attrs = Object.entries(element.attrs)
    .map(([name, value]) => ` ${name}="${SECRET_ATTRIBUTES.has(name) ? REDACTED : escape(String(value))}"`)
    .join("");
  // A data form's password fields (admin#add-user, change-user-password) hide their values too.
  const passwordField = element.name === "field" && (element.attrs.type === "text-private" || /^password/.test(String(element.attrs.var ?? "")));
  const hideText = (secretScope && SECRET_ELEMENTS.has(element.name)) || element.name === "password" || (insideSecretNamespace === PASSWORD_FIELD && element.name === "value");
  const children = element.children
    .map((child) =>
      typeof child === "string" ? (hideText && child.trim() ? REDACTED : escape(child)) : redactedXml(child, passwordField ? PASSWORD_FIELD : secretScope),
    )
    .join("");
  return children ? `<${element.name}${attrs}>${children}</${element.name}>` : `<${element.name}${attrs}/>`;
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
