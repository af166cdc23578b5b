// Which commands a kept session runs: those that speak XMPP over the logged-in session and ask
// nothing secret. Not: logout (it ends the kept session), adhoc run (Ctrl-C cancels it on the
// server), user create/password (they may ask for or read a new password), muc kick (its HTTP
// secret comes from the environment), and anything local or HTTP-only.
import type { CommandDef } from "../commands/define.js";

export function keepable(def: CommandDef): boolean {
  return def.transport === "xmpp" && def.kept !== false;
}

/** Whether a kept session may start it on bin/xmgr's hint, before its own process runs (src/keep/early.ts): a read, not a long one. */
export function startsEarly(def: CommandDef): boolean {
  return keepable(def) && def.batch === "read" && def.startsEarly !== false;
}

/** A word as a POSIX shell reads it back: quoted when it holds anything but plain characters. */
export const shellQuoted = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`);
