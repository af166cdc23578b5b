// Every failure xmgr reports is an XmgrError: a one-line message, an optional hint saying what
// to do, and the exit code documented in man/xmgr.1 (EXIT STATUS).

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  refused: 5,
  connection: 6,
  tls: 7,
  timeout: 8,
  /** Ctrl-C at a prompt: 128 + SIGINT, as a shell reports a command that SIGINT ended. */
  interrupted: 130,
} as const;

export type ExitCodeName = keyof typeof ExitCode;

export class XmgrError extends Error {
  readonly exitCode: number;
  readonly hint?: string;

  constructor(kind: ExitCodeName, message: string, hint?: string) {
    super(message);
    this.name = "XmgrError";
    this.exitCode = ExitCode[kind];
    this.hint = hint;
  }
}

/**
 * A failure that names the ad-hoc command by its node, which means little to whoever typed
 * `xmgr user create`: named(), called where the xmgr command is known (inCommandWords), says the
 * same with the xmgr command's name instead.
 */
export class AdhocFailure extends XmgrError {
  constructor(
    private readonly kind: ExitCodeName,
    private readonly say: (what: string) => string,
    readonly node: string,
    hint?: string,
  ) {
    super(kind, say(`the command ${node}`), hint);
  }

  named(command: string): XmgrError {
    return new XmgrError(this.kind, this.say(command), this.hint);
  }
}

/**
 * A failure of `command` (e.g. "user create") as its user knows it: an ad-hoc failure named by
 * the command typed rather than the node, except for `adhoc run`, whose node is what was typed.
 */
export function inCommandWords(error: unknown, command: string): unknown {
  return error instanceof AdhocFailure && command !== "adhoc run" ? error.named(`xmgr ${command}`) : error;
}

/** An error as xmgr reports it: an XmgrError as it is, anything else as an internal error (exit 1). */
export function asXmgrError(error: unknown): XmgrError {
  if (error instanceof XmgrError) return error;
  return new XmgrError("failure", `Internal error: ${(error as Error)?.message ?? String(error)}`, "Please report this, with the output of -v.");
}

/** The name of an exit code (the kind an XmgrError with that code was made with). */
export function exitKind(code: number): ExitCodeName {
  return (Object.keys(ExitCode) as ExitCodeName[]).find((name) => ExitCode[name] === code) ?? "failure";
}

/** The longest part of an argument a message repeats: a 1 MB argument must not flood the terminal. */
const QUOTED_MAX = 100;

/**
 * An argument as a usage message quotes it: JSON-quoted (control characters become \u escapes)
 * and cut after QUOTED_MAX characters, saying how long it was.
 */
export function quoted(text: string): string {
  if (text.length <= QUOTED_MAX) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, QUOTED_MAX))}… (${text.length} characters)`;
}

export const usageError = (message: string, hint?: string) => new XmgrError("usage", message, hint);

/** What to do about a certificate xmgr does not trust (XMPP and HTTPS alike). */
export const UNTRUSTED_CERTIFICATE_HINT =
  "Give the CA or self-signed certificate with --ca FILE (or XMGR_CA); for a public CA, check the system's CA store (SSL_CERT_FILE, SSL_CERT_DIR).";
