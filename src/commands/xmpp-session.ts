// Opens the admin's XMPP session for a command: stable client identity per profile, FAST token
// kept per profile and account, -v tracing, and a close that always runs.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { XmgrError } from "../errors.js";
import { bare, type Jid } from "../jid.js";
import { ProfileState, type KnownServer } from "../config/state.js";
import type { Dialect } from "../protocol/dialects/dialect.js";
import { findDialect, inKeptServerWords } from "./server-dialect.js";
import { ALL_DIALECTS, dialectByName } from "../protocol/dialects/detect.js";
import type { Settings, XmppSettings } from "../config/settings.js";
import type { Output } from "../output/output.js";
import { VERSION } from "../version.js";
import type { XmppSession } from "../xmpp/session.js";
import { strongest, type LoginOffer } from "../xmpp/login-pin.js";

/** What --insecure really risks, said at every use. */
export const INSECURE_WARNING =
  "--insecure: the server's certificate is not verified, so anyone on the network path can pose as the server: it can read and change this session and capture the password (sent as is with PLAIN) or a reusable FAST login proof (an unbound -NONE one). Use --ca FILE instead.";

export interface LoggedIn {
  session: XmppSession;
  login: Jid;
  account: string;
  clientId: string;
  /** The settings it logged in with (to log in again, e.g. to invalidate its own FAST token). */
  xmpp: XmppSettings;
  /**
   * The dialect of the login's server (src/protocol/dialects/): kept per profile, found out over
   * this session the first time a command asks (src/commands/server-dialect.ts), then the same
   * for the session's life.
   */
  dialect(): Promise<Dialect>;
  /** A look-up of the dialect started at login for the runs after this one, which a one-shot run lets finish before it closes. */
  learning?: Promise<void>;
}

export interface LoginOptions {
  /** Log in with the saved FAST token only, and have the server delete it (see SessionOptions). */
  invalidateFastToken?: boolean;
}

/** Where a command gets its logged-in session from: one per command, or one a shell keeps open. */
export interface SessionSource {
  use<T>(work: (login: LoggedIn) => Promise<T>): Promise<T>;
  /** A new session of its own for `work`, closed after it: to check after a lost answer (the usual one may be stalled). */
  fresh<T>(work: (login: LoggedIn) => Promise<T>): Promise<T>;
}

const resourceOf = (jid: string) => (jid.includes("/") ? jid.slice(jid.indexOf("/") + 1) : "");

/**
 * Whether the server added the suffix of a server whose Bind2 sessions of one user-agent id replace
 * each other (ejabberd: TAG.HASH) to the resource xmgr asked for (`xmgr-HEX`, which has none).
 */
const boundByReplacingServer = (boundJid: string) => ALL_DIALECTS.some((dialect) => dialect.bind2ReplacesSameClient && dialect.hints.boundResource?.(resourceOf(boundJid)) === true);

/** A session opened for one command and closed after it. */
export function oneShotSession(settings: Settings, output: Output): SessionSource {
  const use: SessionSource["use"] = (work) => withXmppSession(settings.xmpp(), output, work);
  return { use, fresh: use };
}

export async function withXmppSession<T>(xmpp: XmppSettings, output: Output, work: (login: LoggedIn) => Promise<T>, options: LoginOptions = {}): Promise<T> {
  const login = await openLoggedIn(xmpp, output, options);
  try {
    return await work(login);
  } finally {
    await login.learning;
    await login.session.close();
  }
}

/** Logs in as the configured account; the caller closes `session`. */
export async function openLoggedIn(xmpp: XmppSettings, output: Output, options: LoginOptions = {}): Promise<LoggedIn> {
  if (xmpp.insecure) output.warn(INSECURE_WARNING);
  const { openSession } = await import("../xmpp/session.js");
  const state = new ProfileState(xmpp.profile);
  const account = bare(xmpp.jid);
  const keep = stateKeeper(output, state.dir);
  const clientId = keep("could not keep xmgr's client id, so this run is a new client to the server", () => state.clientId(), () => randomUUID());
  const pin = keep("could not read the login pin", () => state.readPin(account), () => undefined);
  // Read once per host: before the login (which bind), and again when a command asks the dialect.
  const read = new Map<string, KnownServer | undefined>();
  const store = {
    read: (host: string) => {
      if (!read.has(host)) read.set(host, keep("could not read what it knew of the server", () => state.readServer(host), () => undefined));
      return read.get(host);
    },
    save: (host: string, server: KnownServer) => keep("could not keep what it found out about the server", () => state.saveServer(host, server), () => undefined, true),
  };
  const keptServer = store.read(xmpp.jid.domain);
  const session = await openSession({
    ...xmpp,
    userAgent: { id: clientId, software: "xmgr", version: VERSION, device: hostname() },
    fastTokens: {
      read: () => keep("could not read the FAST token", () => state.readFastToken(account), () => undefined),
      save: (token) => keep("could not save the FAST token: the next run needs the password again", () => state.saveFastToken(account, token), () => undefined, true),
      delete: () => keep("could not delete the FAST token the server refused", () => state.deleteFastToken(account), () => undefined, true),
      invalidate: options.invalidateFastToken,
    },
    trace: output.verbose ? (line) => output.trace(line) : undefined,
    pin: { offer: pin, file: state.pinPath(account), tokenFile: state.tokenPath(account) },
    classicBind: keptServer !== undefined && dialectByName(keptServer.dialect)?.bind2ReplacesSameClient === true,
  }).catch((error: unknown) => {
    throw inKeptServerWords(error, store.read, xmpp.jid.domain);
  });
  const stronger = strongest(pin, session.offered);
  if (!pin || Object.keys(stronger).some((key) => stronger[key as keyof LoginOffer] !== pin[key as keyof LoginOffer])) {
    keep("could not keep the login pin: a later downgrade of this login would go unnoticed", () => state.savePin(account, stronger), () => undefined, true);
  }
  let dialect: Promise<Dialect> | undefined;
  const findOut = () => (dialect ??= findDialect(session, xmpp.jid.domain, store));
  // A Bind2 resource of TAG.SUFFIX is ejabberd's, whose sessions of one user-agent id replace each
  // other: with nothing kept of the server yet, it is found out now, so that the next runs of the
  // profile bind the classic way (whatever command this one is).
  const learning = keptServer === undefined && boundByReplacingServer(session.boundJid) ? findOut().then(() => undefined, () => undefined) : undefined;
  return { session, login: xmpp.jid, account, clientId, xmpp, dialect: findOut, ...(learning && { learning }) };
}

/**
 * State that cannot be kept (read-only or full disk, a folder where a file should be) costs a
 * one-line warning, never the command: `work`'s failure gives `fallback()`. Unsafe state (another
 * owner, a symbolic link, open permissions: an XmgrError) stays an error, unless `always`.
 * Each warning is said once.
 */
export function stateKeeper(output: Output, dir: string): <T>(what: string, work: () => T, fallback: () => T, always?: boolean) => T {
  const said = new Set<string>();
  return (what, work, fallback, always = false) => {
    try {
      return work();
    } catch (error) {
      if (error instanceof XmgrError && !always) throw error;
      const why = error instanceof XmgrError ? error.message : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
      const line = `State folder ${dir}: ${what} (${why}).`;
      if (!said.has(line)) output.warn(line);
      said.add(line);
      return fallback();
    }
  };
}
