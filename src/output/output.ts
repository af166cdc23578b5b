// Where everything a command says goes: data (tables, JSON) on stdout, status and errors on
// stderr, colour only where that stream is a terminal and neither NO_COLOR nor --no-color is set
// (paint.ts).
// Messages and traces are written with their secrets redacted (secrets.ts) and made safe for a
// terminal (sanitize.ts). Data (tables, JSON) is never rewritten: tables sanitize their cells,
// JSON escapes what could act on a terminal, and commands put no secret into data.
import type { XmgrError } from "../errors.js";
import { NO_COLOR_ANYWHERE, type Paint, type Painters } from "./paint.js";
import { sanitize, escapeInJson } from "./sanitize.js";
import { redactSecrets } from "./secrets.js";
import { renderTable, renderTsv, type Column } from "./table.js";

export interface OutputOptions {
  json: boolean;
  verbose: boolean;
  /** Colour for stdout and stderr (paint.ts); none if not given. */
  painters?: Painters;
}

export class Output {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly painters: Painters;
  /** Colours for stdout. */
  readonly paint: Paint;
  private readonly paintErr: Paint;

  constructor(
    options: OutputOptions,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    this.json = options.json;
    this.verbose = options.verbose;
    this.painters = options.painters ?? NO_COLOR_ANYWHERE;
    this.paint = this.painters.out;
    this.paintErr = this.painters.err;
  }

  /** Data is printed as it is: never rewritten by redaction (tables sanitize their cells, JSON escapes). */
  data(text: string): void {
    this.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /**
   * A table: on a terminal boxed and fitted to its width; anywhere else (a pipe, a file) plain
   * tab-separated rows under a header row, for scripts (table.ts).
   */
  table<Row>(columns: Column<Row>[], rows: Row[]): void {
    this.data(this.stdout.isTTY ? renderTable(columns, rows, this.paint, this.stdout.columns || undefined) : renderTsv(columns, rows));
  }

  jsonData(value: unknown): void {
    this.data(escapeInJson(JSON.stringify(value, null, 2)));
  }

  /** JSON documents over several lines (false in the shell: one document a line). */
  get jsonMultiline(): boolean {
    return true;
  }

  /** A piece of data, as it is, with no newline added (a document written as it is made: json-stream.ts). */
  dataPart(text: string): void {
    this.stdout.write(text);
  }

  /**
   * Resolves once stdout has taken what was written: a command that prints as it reads (user list)
   * waits for it, or a slow reader (a pipe) would leave everything queued in memory.
   */
  async drained(): Promise<void> {
    const stdout = this.stdout as NodeJS.WriteStream & { writableNeedDrain?: boolean };
    if (!stdout.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        stdout.off("drain", done);
        stdout.off("close", done);
        resolve();
      };
      stdout.on("drain", done);
      stdout.on("close", done);
    });
  }

  /** "OK: …", as prosodyctl shell says it; a message of several lines (a server's note) goes on as indented lines. */
  ok(message: string): void {
    if (this.json) return;
    this.stderr.write(`${this.paintErr.green("OK:")} ${safeLines(message)}\n`);
  }

  /** "warning: …"; with --json one line of JSON, {"warning":{"message":…}}, so that stderr holds only JSON lines. */
  warn(message: string): void {
    if (this.json) this.stderr.write(`${escapeInJson(JSON.stringify({ warning: { message: redactSecrets(message) } }))}\n`);
    else this.warnLine(message);
  }

  /** The "warning: …" form of warn(), with --json too (the shell's). */
  protected warnLine(message: string): void {
    this.stderr.write(`${this.paintErr.yellow("warning:")} ${safeLines(message)}\n`);
  }

  /**
   * "! message" and, on a second line, what to do. With --json, one line of JSON instead:
   * {"error":{"message":…,"hint":…,"exitCode":…}} (the hint only when there is one).
   */
  fail(error: XmgrError): void {
    if (this.json) this.stderr.write(`${escapeInJson(JSON.stringify({ error: errorJson(error) }))}\n`);
    else this.failLine(error);
  }

  /** The "! message" form of fail(), with --json too (the shell's, whose JSON goes on stdout). */
  protected failLine(error: XmgrError): void {
    this.stderr.write(`${this.paintErr.red("!")} ${safe(error.message)}\n`);
    if (error.hint) this.stderr.write(`  ${safe(error.hint)}\n`);
  }

  /** -v: the protocol exchange, already redacted by the caller. */
  trace(line: string): void {
    if (this.verbose) this.stderr.write(`${this.paintErr.dim(safe(line))}\n`);
  }
}

/** A failure as JSON: its message and hint redacted like the "! …" line's (JSON escapes the rest). */
export const errorJson = (error: XmgrError) => ({
  message: redactSecrets(error.message),
  ...(error.hint && { hint: redactSecrets(error.hint) }),
  exitCode: error.exitCode,
});

/** A message as it may reach the terminal: secrets redacted, control characters escaped. */
export const safe = (text: string) => sanitize(redactSecrets(text));

/** Each line made safe on its own, blank ones dropped, the lines after the first indented under it. */
const safeLines = (text: string) =>
  text
    .split(/\r?\n/)
    .filter((line, index) => index === 0 || line.trim() !== "")
    .map(safe)
    .join("\n  ");

/** The longest line of a command-line parser message: it may repeat an argument of any length. */
const USAGE_LINE_MAX = 300;

/**
 * A message of the command-line parser (commander's "error: unknown option '…'"), which repeats
 * arguments as typed: made safe like any message, each line cut at USAGE_LINE_MAX characters.
 * For cli.ts: program.configureOutput({ outputError: (text, write) => write(usageText(text)) }).
 */
export function usageText(text: string, json = false): string {
  const lines = text.split("\n").map((line) => {
    const clean = safe(line);
    return clean.length > USAGE_LINE_MAX ? `${clean.slice(0, USAGE_LINE_MAX)}… (${clean.length} characters)` : clean;
  });
  if (!json) return lines.join("\n");
  // --json: the error object of Output.fail, its message the first line, the advice after it the hint.
  const [first = "", ...rest] = lines.filter((line) => line.trim() !== "");
  const hint = rest.map((line) => line.replace(/^\((.*)\)$/, "$1")).join("; ") || "run with --help for usage";
  return `${JSON.stringify({ error: { message: first.replace(/^error: /, ""), hint, exitCode: 2 } })}\n`;
}
