// The secrets this process holds (the password, the FAST token, the muc_kick Authorization value),
// registered where they are read. Everything Output prints passes through redactSecrets, so a
// secret never reaches the terminal, not even when a server echoes it back in an error text.
const secrets = new Set<string>();
const MIN_LENGTH = 4; // shorter values would blank out ordinary words
export const REDACTED = "[redacted]";

export function registerSecret(value: string | undefined): void {
  if (!value) return;
  for (const part of [value, value.trim(), /^\S+ +(\S+)$/.exec(value.trim())?.[1]]) {
    // the whole value, and the credentials after an Authorization scheme ("Basic …")
    if (part && part.length >= MIN_LENGTH) secrets.add(part);
  }
}

export function redactSecrets(text: string): string {
  let result = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}
