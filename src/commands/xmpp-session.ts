// Opens the admin's XMPP session for a command: stable client identity per profile, FAST token
// kept per profile and account, -v tracing, and a close that always runs.
import { hostname } from "node:os";
import { bare, type Jid } from "../jid.js";
import { ProfileState } from "../config/state.js";
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
}

export interface LoginOptions {
  /** Log in with the saved FAST token only, and have the server delete it (see SessionOptions). */
  invalidateFastToken?: boolean;
}

/** Where a command gets its logged-in session from: one per command, or one a shell keeps open. */
export interface SessionSource {
  use<T>(work: (login: LoggedIn) => Promise<T>): Promise<T>;
}

/** A session opened for one command and closed after it. */
export function oneShotSession(settings: Settings, output: Output): SessionSource {
  return { use: (work) => withXmppSession(settings.xmpp(), output, work) };
}

export async function withXmppSession<T>(xmpp: XmppSettings, output: Output, work: (login: LoggedIn) => Promise<T>, options: LoginOptions = {}): Promise<T> {
  const login = await openLoggedIn(xmpp, output, options);
  try {
    return await work(login);
  } finally {
    await login.session.close();
  }
}

/** Logs in as the configured account; the caller closes `session`. */
export async function openLoggedIn(xmpp: XmppSettings, output: Output, options: LoginOptions = {}): Promise<LoggedIn> {
  if (xmpp.insecure) output.warn(INSECURE_WARNING);
  const { openSession } = await import("../xmpp/session.js");
  const state = new ProfileState(xmpp.profile);
  const account = bare(xmpp.jid);
  const clientId = state.clientId();
  const pin = state.readPin(account);
  const session = await openSession({
    ...xmpp,
    userAgent: { id: clientId, software: "xmgr", version: VERSION, device: hostname() },
    fastTokens: {
      read: () => state.readFastToken(account),
      save: (token) => state.saveFastToken(account, token),
      delete: () => state.deleteFastToken(account),
      invalidate: options.invalidateFastToken,
    },
    trace: output.verbose ? (line) => output.trace(line) : undefined,
    pin: { offer: pin, file: state.pinPath(account), tokenFile: state.tokenPath(account) },
  });
  const stronger = strongest(pin, session.offered);
  if (!pin || Object.keys(stronger).some((key) => stronger[key as keyof LoginOffer] !== pin[key as keyof LoginOffer])) {
    try {
      state.savePin(account, stronger);
    } catch (error) {
      output.warn(`Could not keep the login pin in ${state.dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): a later downgrade of this login would go unnoticed.`);
    }
  }
  return { session, login: xmpp.jid, account, clientId, xmpp };
}
