// Opens the admin's XMPP session for a command: stable client identity per profile, FAST token
// kept per profile and account, -v tracing, and a close that always runs.
import { hostname } from "node:os";
import { bare, type Jid } from "../jid.js";
import { ProfileState } from "../config/state.js";
import type { Settings, XmppSettings } from "../config/settings.js";
import type { Output } from "../output/output.js";
import { VERSION } from "../version.js";
import type { XmppSession } from "../xmpp/session.js";

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
  if (xmpp.insecure) output.warn("--insecure: the server's certificate is not verified; anyone on the path can read this session.");
  const { openSession } = await import("../xmpp/session.js");
  const state = new ProfileState(xmpp.profile);
  const account = bare(xmpp.jid);
  const clientId = state.clientId();
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
  });
  return { session, login: xmpp.jid, account, clientId, xmpp };
}
