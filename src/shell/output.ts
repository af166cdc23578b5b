// The Output each shell command writes to: the one-shot commands' own Output, with JSON on one
// line (JSON Lines), writing into a sink the shell controls: straight to the terminal (muted when
// Ctrl-C cancels the command) or into a buffer printed in input order (pipelined batches).
import type { XmgrError } from "../errors.js";
import { Output, safe, type OutputOptions } from "../output/output.js";
import { escapeInJson } from "../output/sanitize.js";

export type StreamName = "out" | "err";

export interface Sink {
  write(stream: StreamName, text: string): void;
}

export class ShellOutput extends Output {
  constructor(
    options: OutputOptions,
    private readonly sink: Sink,
  ) {
    super(options, streamInto(sink, "out"), streamInto(sink, "err"));
  }

  /** One document per line: JSON Lines. Characters a terminal may act on stay \u escapes, as in the one-shot JSON. */
  override jsonData(value: unknown): void {
    this.data(escapeInJson(JSON.stringify(value)));
  }

  override get jsonMultiline(): boolean {
    return false;
  }

  /** "! message" with --json too: the shell's JSON Lines on stdout hold the failure (statement.ts). */
  override fail(error: XmgrError): void {
    this.failLine(error);
  }

  /** "warning: …" with --json too, as fail(). */
  override warn(message: string): void {
    this.warnLine(message);
  }

  /** The same sink, with JSON output (a statement's --json). */
  asJson(): ShellOutput {
    return this.json ? this : new ShellOutput({ json: true, verbose: this.verbose, painters: this.painters }, this.sink);
  }

  /** A plain line on stderr, e.g. that the shell logged in again. */
  note(message: string): void {
    this.sink.write("err", `${safe(message)}\n`);
  }
}

/** Whatever the sink, the text ends on the shell's own stdout/stderr: tables are drawn for what that is. */
function streamInto(sink: Sink, stream: StreamName): NodeJS.WriteStream {
  const real = stream === "out" ? process.stdout : process.stderr;
  return {
    write: (chunk: unknown) => (sink.write(stream, String(chunk)), true),
    isTTY: real.isTTY,
    get columns() {
      return real.columns;
    },
  } as unknown as NodeJS.WriteStream;
}

/** Writes to process.stdout / process.stderr, until muted. */
export class DirectSink implements Sink {
  muted = false;

  write(stream: StreamName, text: string): void {
    if (!this.muted) (stream === "out" ? process.stdout : process.stderr).write(text);
  }
}

/** Keeps what a command writes, in order, to print later. */
export class BufferSink implements Sink {
  private readonly chunks: [StreamName, string][] = [];

  write(stream: StreamName, text: string): void {
    this.chunks.push([stream, text]);
  }

  replayTo(sink: Sink): void {
    for (const [stream, text] of this.chunks) sink.write(stream, text);
    this.chunks.length = 0;
  }
}
