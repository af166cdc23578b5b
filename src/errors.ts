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

export const usageError = (message: string, hint?: string) => new XmgrError("usage", message, hint);
