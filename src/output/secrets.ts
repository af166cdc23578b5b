// The secrets this process holds (the password, the FAST token, the muc_kick Authorization value),
// registered where they are read. Messages and traces pass through redactSecrets, so a secret
// never reaches the terminal, not even when a server echoes it back in an error text. Data (tables,
// --json documents) is never rewritten: a password `test` must not mangle `test@example.test`.
// Redaction comes first: before text is cut (clip) and before it is escaped; the escaped forms a
// secret takes in XML, JSON or an Authorization value's base64 are redacted too.
const secrets = new Set<string>();
const MIN_LENGTH = 4; // shorter values would blank out ordinary words
export const REDACTED = "[redacted]";

export function registerSecret(value: string | undefined): void {
  if (!value) return;
  const trimmed = value.trim();
  const credentials = /^\S+ +(\S+)$/.exec(trimmed)?.[1]; // after an Authorization scheme ("Basic …")
  const parts = [value, trimmed, credentials];
  if (credentials && /^basic$/i.test(trimmed.split(" ")[0]) && /^[A-Za-z0-9+/]+={0,2}$/.test(credentials)) {
    const decoded = Buffer.from(credentials, "base64").toString("utf8");
    parts.push(decoded, decoded.slice(decoded.indexOf(":") + 1)); // "user:password", and the password
  }
  for (const part of parts) {
    if (!part || part.length < MIN_LENGTH) continue;
    for (const form of escapedForms(part)) secrets.add(form);
  }
  sorted = undefined;
}

/** The secret as it reads after XML escaping and JSON escaping (with and without `\/`). */
function escapedForms(secret: string): string[] {
  const xml = secret.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
  const xmlNoApos = xml.replace(/&apos;/g, "'");
  const json = JSON.stringify(secret).slice(1, -1);
  return [secret, xml, xmlNoApos, json, json.replace(/\//g, "\\/")];
}

let sorted: string[] | undefined;

export function redactSecrets(text: string): string {
  sorted ??= [...secrets].sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of sorted) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** Server text for a message: secrets redacted first, then cut to `max` characters (a cut secret would no longer match). */
export function clip(text: string, max: number): string {
  const redacted = redactSecrets(text);
  return redacted.length > max ? `${redacted.slice(0, max)}…` : redacted;
}
