// Which dialect a server speaks, from what it says about itself: the disco#info identity of the
// host (server/im, named "Prosody" or "ejabberd") or, when that names neither, its XEP-0092
// software name. Anything else is an unknown server: the generic dialect. Pure.
import type { Identity } from "../disco.js";
import type { Dialect, DialectName } from "./dialect.js";
import { EJABBERD } from "./ejabberd.js";
import { GENERIC } from "./generic.js";
import { PROSODY } from "./prosody.js";

const DIALECTS: Record<DialectName, Dialect> = { prosody: PROSODY, ejabberd: EJABBERD, generic: GENERIC };

export function dialectByName(name: string): Dialect | undefined {
  return Object.prototype.hasOwnProperty.call(DIALECTS, name) ? DIALECTS[name as DialectName] : undefined;
}

/** The dialect a software name stands for ("Prosody", "ejabberd", as XEP-0092 or the identity gives it), or undefined. */
export function dialectOfSoftware(name: string | undefined): DialectName | undefined {
  const word = (name ?? "").trim().toLowerCase();
  if (word === "prosody") return "prosody";
  if (word === "ejabberd") return "ejabberd";
  return undefined;
}

/** The dialect the host's server identity names, or undefined when it names none xmgr knows. */
export function dialectOfIdentities(identities: readonly Identity[]): DialectName | undefined {
  for (const identity of identities) {
    if (identity.category !== "server") continue;
    const known = dialectOfSoftware(identity.name);
    if (known) return known;
  }
  return undefined;
}

/** Every dialect xmgr knows (for what must be decided before the server is known). */
export const ALL_DIALECTS: readonly Dialect[] = Object.values(DIALECTS);
