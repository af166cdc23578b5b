// Turns what went wrong while connecting or logging in into an XmgrError with a hint.
import { UNTRUSTED_CERTIFICATE_HINT, XmgrError, exitKind } from "../errors.js";
import { clip } from "../output/secrets.js";

const CERTIFICATE_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
]);

interface ErrorLike {
  name?: string;
  code?: string;
  condition?: string;
  message?: string;
  text?: string;
}

/** The server refused the login (SASL failure); `condition` says why (not-authorized: wrong password or no such account). */
/** A refused connection's hint before the server is known; the login words it for the server it kept for that host (openLoggedIn). */
export const LISTENER_HINT = "Check --server and that the XMPP server listens there.";

export class LoginRefused extends XmgrError {
  constructor(
    readonly condition: string | undefined,
    message: string,
    hint?: string,
  ) {
    super("auth", message, hint);
  }
}

export function loginFailure(error: unknown, account: string): XmgrError | undefined {
  const { name, condition, text } = (error ?? {}) as ErrorLike;
  if (name !== "SASLError") return undefined;
  if (condition === "not-authorized" || condition === "credentials-expired") {
    return new LoginRefused(condition, `Login failed for ${account}: wrong password or no such account.`, "Check --jid and the password source (XMGR_PASSWORD, --password-file, config).");
  }
  if (condition === "account-disabled") {
    return new LoginRefused(condition, `Login failed for ${account}: the account is disabled.`);
  }
  return new LoginRefused(condition, `Login failed for ${account}: ${condition ?? "SASL error"}${text ? ` (${text})` : ""}.`);
}

export function connectionFailure(error: unknown, service: string): XmgrError {
  const { name, code, condition, message } = (error ?? {}) as ErrorLike;
  if (code && CERTIFICATE_CODES.has(code)) {
    return new XmgrError("tls", `The certificate of ${service} is not trusted (${code}).`, UNTRUSTED_CERTIFICATE_HINT);
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return new XmgrError("tls", `The certificate of ${service} is for another name than the account's domain.`, "Check --jid and --server; the certificate must name the JID's domain.");
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return new XmgrError("tls", `The certificate of ${service} is ${code === "CERT_HAS_EXPIRED" ? "expired" : "not yet valid"}.`);
  }
  if (code === "ERR_SSL_TLSV1_UNRECOGNIZED_NAME") {
    return new XmgrError("tls", `TLS failed: the server at ${service} has no certificate for the account's domain.`, "Check --jid: its domain must be a host this server serves.");
  }
  if (code?.startsWith("ERR_SSL") || code?.startsWith("ERR_TLS") || /tls|ssl/i.test(message ?? "")) {
    return new XmgrError("tls", `TLS with ${service} failed (${code ?? "handshake error"}).`);
  }
  if (code === "ECONNREFUSED") {
    return new XmgrError("connection", `Cannot connect to ${service}: connection refused.`, LISTENER_HINT);
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new XmgrError("connection", `Cannot connect to ${service}: the host name does not resolve.`, "Check --server or the JID's domain.");
  }
  if (code === "ETIMEDOUT" || name === "TimeoutError") {
    return new XmgrError("timeout", `No answer from ${service} in time.`, "Check the network, or raise --timeout.");
  }
  if (code === "ECONNRESET" || code === "EPIPE" || code === "EHOSTUNREACH" || code === "ENETUNREACH") {
    return new XmgrError("connection", `The connection to ${service} failed (${code}).`);
  }
  if (name === "StreamError") {
    const text = (error as ErrorLike).text;
    return new XmgrError("connection", `The server at ${service} closed the stream with an error: ${condition ?? "unknown"}${text ? ` ("${clip(text, 300)}")` : ""}.`);
  }
  if (name === "XMLError" || name === "SASLError") {
    return new XmgrError("failure", `The server at ${service} sent something xmgr cannot read (${name}).`);
  }
  return new XmgrError("connection", `The connection to ${service} failed${code ? ` (${code})` : ""}.`);
}

/**
 * A request that went out and got no answer (no answer in time, or the connection ended first).
 * The server may have acted on it or not: for a read that only means trying again, for a write it
 * must be said (src/commands/lost-answer.ts). Same exit code, message and hint as `cause`, the
 * error the session would give without this knowledge; `reason` says it in a few words.
 */
export class AnswerLost extends XmgrError {
  /** Already told as the truth for its command (a check settled it): not to be reworded again. */
  explained = false;

  constructor(
    readonly cause: XmgrError,
    readonly reason: string,
    message = cause.message,
    hint = cause.hint,
  ) {
    super(exitKind(cause.exitCode), message, hint);
  }
}
