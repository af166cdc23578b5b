// -v output of the XML exchanged: SASL payloads, FAST tokens and passwords are replaced, so that
// no secret reaches the terminal or a log. Other text has the secrets xmgr holds redacted before
// it is escaped (an escaped secret would no longer be recognised). Iterative, not recursive: a
// server may send an element nested thousands deep.
import type { Element } from "@xmpp/xml";
import { redactSecrets } from "../output/secrets.js";

const SECRET_NAMESPACES = new Set(["urn:ietf:params:xml:ns:xmpp-sasl", "urn:xmpp:sasl:2", "urn:xmpp:fast:0"]);
const SECRET_ELEMENTS = new Set(["auth", "response", "challenge", "success", "initial-response", "additional-data", "token", "password"]);
const SECRET_ATTRIBUTES = new Set(["token", "password"]);
const REDACTED = "[redacted]";

/** A copy of the element as text with secret text and attributes redacted. */
export function redactedXml(root: Element, insideSecretNamespace = false): string {
  const out: string[] = [];
  // Work items: an element to open (with whether it is inside a secret namespace, and whether its
  // parent is a data form's password field), or text to emit. Iterative: a 5,000-deep stanza is fine.
  const stack: Array<{ element: Element; secret: boolean; inPasswordField: boolean } | string> = [{ element: root, secret: insideSecretNamespace, inPasswordField: false }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === "string") {
      out.push(item);
      continue;
    }
    const { element } = item;
    const namespace = (element.attrs.xmlns as string | undefined) ?? undefined;
    const secretScope = item.secret || (namespace !== undefined && SECRET_NAMESPACES.has(namespace));
    const attrs = Object.entries(element.attrs)
      .map(([name, value]) => ` ${name}="${SECRET_ATTRIBUTES.has(name) ? REDACTED : escape(redactSecrets(String(value)))}"`)
      .join("");
    if (element.children.length === 0) {
      out.push(`<${element.name}${attrs}/>`);
      continue;
    }
    out.push(`<${element.name}${attrs}>`);
    // A data form's password fields (admin#add-user, change-user-password) hide their values too.
    const passwordField = element.name === "field" && (element.attrs.type === "text-private" || /^password/.test(String(element.attrs.var ?? "")));
    const hideText = (secretScope && SECRET_ELEMENTS.has(element.name)) || element.name === "password" || (item.inPasswordField && element.name === "value");
    stack.push(`</${element.name}>`);
    for (let index = element.children.length - 1; index >= 0; index--) {
      const child = element.children[index];
      if (typeof child === "string") stack.push(hideText && child.trim() ? REDACTED : escape(redactSecrets(child)));
      else stack.push({ element: child, secret: secretScope, inPasswordField: passwordField });
    }
  }
  return out.join("");
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
