// A name without its domain, as prosodyctl users type them: `user create carol` is carol at the
// login's domain, `muc info lobby` is lobby at the MUC service the login's server lists in disco.
// Done before the confirmation of a destructive command, so that it names the whole JID.
import type { Settings } from "../config/settings.js";
import { ExitCode, XmgrError, exitKind } from "../errors.js";
import type { CommandDef, Values } from "./define.js";
import type { SessionSource } from "./xmpp-session.js";

const isBareName = (word: unknown): word is string => typeof word === "string" && word !== "" && !word.includes("@") && !word.includes("/");

/** The login account's domain, when one is configured (nothing is sent). */
function loginDomain(settings: Settings): string | undefined {
  const jid = settings.pick(settings.options.jid, "XMGR_JID", "jid");
  const at = jid?.lastIndexOf("@") ?? -1;
  return jid && at > 0 && !jid.includes("/") ? jid.slice(at + 1).toLowerCase() : undefined;
}

export async function completeArgs(def: CommandDef, args: Values, settings: Settings, sessions: SessionSource): Promise<Values> {
  const needs = (kind: string) => def.args.some((arg) => arg.kind === kind && [args[arg.name]].flat().some(isBareName));
  if (!needs("account") && !needs("room")) return args;
  const domain = needs("account") ? loginDomain(settings) : undefined;
  let service: string | undefined;
  if (needs("room")) {
    const { mucService } = await import("./muc/rooms.js");
    const room = def.args.flatMap((arg) => (arg.kind === "room" ? [args[arg.name]].flat() : [])).find(isBareName);
    try {
      service = await sessions.use(({ session, login }) => mucService(session, login.domain));
    } catch (error) {
      if (!(error instanceof XmgrError) || error.exitCode !== ExitCode.usage && error.exitCode !== ExitCode.notFound) throw error;
      throw new XmgrError(exitKind(error.exitCode), `The room ${JSON.stringify(room)} has no service, and xmgr cannot pick one: ${error.message}`, `Name the room in full: ${room}@SERVICE (xmgr muc list SERVICE lists a service's rooms).`);
    }
  }
  const completed: Values = { ...args };
  for (const arg of def.args) {
    const suffix = arg.kind === "account" ? domain : arg.kind === "room" ? service : undefined;
    if (!suffix) continue;
    const value = args[arg.name];
    const complete = (word: unknown) => (isBareName(word) ? `${word}@${suffix}` : word);
    completed[arg.name] = Array.isArray(value) ? value.map(complete) : complete(value);
  }
  return completed;
}
