// Which server software the logged-in session talks to, as a dialect (src/protocol/dialects/):
// kept per profile and host with the login features the server offered then (state.ts
// servers.json), and looked up again, over the session, when there is none kept or the login finds
// other features. The look-up is a disco#info of the host (its server identity names the software)
// and, when that names none xmgr knows, a XEP-0092 version request; a server that answers neither
// clearly, or not within a few seconds, is an unknown one: the generic dialect (not kept, so the
// next login looks again).
import type { Element } from "@xmpp/xml";
import { discoInfoRequest, parseDiscoInfo } from "../protocol/disco.js";
import { parseVersion, versionRequest } from "../protocol/version.js";
import { notOverXmpp, type Dialect, type DialectName } from "../protocol/dialects/dialect.js";
import { ALL_DIALECTS, dialectByName, dialectOfIdentities, dialectOfSoftware } from "../protocol/dialects/detect.js";
import { GENERIC } from "../protocol/dialects/generic.js";
import type { KnownServer } from "../config/state.js";
import type { XmppSession } from "../xmpp/session.js";
import type { LoggedIn, SessionSource } from "./xmpp-session.js";
import { commandPath, type CommandDef, type Values } from "./define.js";
import { XmgrError } from "../errors.js";
import { ADMIN_HINT } from "../protocol/adhoc.js";
import { LISTENER_HINT } from "../xmpp/failures.js";

/** How long a look-up waits for each answer before taking the server for an unknown one. */
const LOOKUP_MS = 5_000;

export interface DialectStore {
  read(host: string): KnownServer | undefined;
  save(host: string, server: KnownServer): void;
}

/** The dialect of the server of `host` (the login's domain), from the store or found out over `session`. */
export async function findDialect(session: XmppSession, host: string, store: DialectStore): Promise<Dialect> {
  const kept = store.read(host);
  const keptDialect = kept && kept.mark === session.featuresMark ? dialectByName(kept.dialect) : undefined;
  if (keptDialect) return keptDialect;
  const found = await lookUp(session, host);
  if (found.name === "generic") return GENERIC;
  store.save(host, { mark: session.featuresMark, dialect: found.name, ...(found.software && { software: found.software }) });
  return dialectByName(found.name) ?? GENERIC;
}

async function lookUp(session: XmppSession, host: string): Promise<{ name: DialectName; software?: string }> {
  const info = await answerOf(session, discoInfoRequest(host));
  if (info) {
    try {
      const identities = parseDiscoInfo(info, host).identities;
      const name = dialectOfIdentities(identities);
      if (name) return { name, software: identities.find((identity) => identity.category === "server" && dialectOfSoftware(identity.name))?.name };
    } catch {
      // not a disco#info answer: ask for the version
    }
  }
  const version = await answerOf(session, versionRequest(host));
  if (version) {
    try {
      const software = parseVersion(version, host).name;
      const name = dialectOfSoftware(software);
      if (name) return { name, software };
    } catch {
      // no version either: unknown
    }
  }
  return { name: "generic" };
}

/** The answer to `iq`, or undefined when none comes within LOOKUP_MS or the session fails. */
async function answerOf(session: XmppSession, iq: Element): Promise<Element | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), LOOKUP_MS);
  });
  const asked = session.request(iq).catch(() => undefined);
  try {
    return await Promise.race([asked, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The dialect a command (its path, "user delete") speaks to the logged-in server; a server that
 * has no XMPP way for the command (dialect.notOverXmpp) is refused here, exit 5, before anything is sent.
 */
export async function dialectFor(login: { dialect(): Promise<Dialect> }, command: string): Promise<Dialect> {
  const dialect = await login.dialect();
  const refusal = notOverXmpp(dialect, command);
  if (refusal) throw refusal;
  return dialect;
}

/** Whether some server xmgr knows has no XMPP way for `command` (so its runs ask the dialect first). */
export function refusedSomewhere(command: string): boolean {
  return ALL_DIALECTS.some((dialect) => Object.prototype.hasOwnProperty.call(dialect.notOverXmpp, command));
}

/**
 * The sessions of a command that some server has no XMPP way for: each session, fresh or not, first
 * asks the login's dialect (dialectFor), so the command is refused on such a server before it sends
 * anything of its own. Used by runTruthfully for every such command, so none can forget it.
 */
export function refusingSessions(sessions: SessionSource, command: string): SessionSource {
  return {
    use: (work) => sessions.use(async (login) => (await dialectFor(login, command), work(login))),
    fresh: (work) => sessions.fresh(async (login) => (await dialectFor(login, command), work(login))),
  };
}

/**
 * A destructive command that some server has no XMPP way for, or whose arguments depend on the
 * server (def.beforeConfirming), is refused there before its confirmation is asked (nobody should
 * confirm what is then refused): with no --yes, the login's dialect is asked first. Other
 * commands, and runs with --yes, go straight on.
 */
export async function refuseBeforeConfirming(def: CommandDef, args: Values, options: Values, sessions: SessionSource): Promise<void> {
  const command = commandPath(def);
  if (options.yes || def.transport !== "xmpp" || !(refusedSomewhere(command) || def.beforeConfirming)) return;
  await sessions.use(async (login) => {
    const dialect = await dialectFor(login, command);
    def.beforeConfirming?.(args, options, dialect);
  });
}

/**
 * The sessions of any XMPP command, whose refusals (the ad-hoc code's admin hint, which is
 * Prosody's) get the hint of the login's server instead: asked of the dialect only then.
 */
export function serverWordedSessions(sessions: SessionSource): SessionSource {
  const worded =
    <T>(work: (login: LoggedIn) => Promise<T>) =>
    async (login: LoggedIn): Promise<T> => {
      try {
        return await work(login);
      } catch (error) {
        throw await inServerWords(error, login);
      }
    };
  return { use: (work) => sessions.use(worded(work)), fresh: (work) => sessions.fresh(worded(work)) };
}

async function inServerWords(error: unknown, login: LoggedIn): Promise<unknown> {
  if (!(error instanceof XmgrError) || error.hint !== ADMIN_HINT || !login.session.isOpen) return error;
  const dialect = await login.dialect().catch(() => GENERIC);
  if (dialect.hints.admin === ADMIN_HINT) return error;
  return withHint(error, dialect.hints.admin);
}

/**
 * A connection refused before any login (so before the server could be asked): its hint names the
 * server software kept for `host` from an earlier login (servers.json), or none.
 */
export function inKeptServerWords(error: unknown, read: (host: string) => KnownServer | undefined, host: string): unknown {
  if (!(error instanceof XmgrError) || error.hint !== LISTENER_HINT) return error;
  const kept = read(host);
  const dialect = kept ? dialectByName(kept.dialect) : undefined;
  if (!dialect || dialect.hints.listener === LISTENER_HINT) return error;
  return withHint(error, dialect.hints.listener);
}

/** The same error (class, message, exit code, stack), with another hint. */
function withHint(error: XmgrError, hint: string): XmgrError {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as XmgrError;
  return Object.defineProperties(copy, { ...Object.getOwnPropertyDescriptors(error), hint: { value: hint, enumerable: true } });
}
