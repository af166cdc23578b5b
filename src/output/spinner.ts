// "⠹ waiting for the server… 3 s" on stderr after a second without output, in a one-shot run on a
// terminal only (stdout and stderr both terminals: never in a pipe). Whatever xmgr writes clears
// the line first, and a prompt holds it off while it asks.
const FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
const DELAY_MS = 1000;
const FRAME_MS = 120;

class Spinner {
  private timer?: NodeJS.Timeout;
  private shown = false;
  private frame = 0;
  private held = 0;
  private since = Date.now();
  /** Set by begin(): until then nothing is shown. */
  running = false;

  constructor(private readonly write: (text: string) => void) {}

  /** Waits a second of silence before showing. */
  arm(): void {
    this.clear();
    if (this.held > 0 || !this.running) return;
    this.since = Date.now();
    this.timer = setTimeout(() => this.tick(), DELAY_MS);
    this.timer.unref();
  }

  private tick(): void {
    this.shown = true;
    const seconds = Math.floor((Date.now() - this.since) / 1000);
    this.write(`\r\u001b[K${FRAMES[this.frame++ % FRAMES.length]} waiting for the server… ${seconds} s`);
    this.timer = setTimeout(() => this.tick(), FRAME_MS);
    this.timer.unref();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.shown) this.write("\r\u001b[K");
    this.shown = false;
  }

  hold(): void {
    this.held++;
    this.clear();
  }

  release(): void {
    this.held = Math.max(0, this.held - 1);
    if (this.held === 0) this.arm();
  }
}

let active: Spinner | undefined;

/** Makes the spinner when stdout and stderr are terminals (shown after beginSpinner()); returns the streams Output should write to. */
export function startSpinner(): [NodeJS.WriteStream, NodeJS.WriteStream] {
  const { stdout, stderr } = process;
  if (!stdout.isTTY || !stderr.isTTY || active) return [stdout, stderr];
  const spinner = new Spinner((text) => stderr.write(text));
  active = spinner;
  process.once("exit", () => spinner.clear());
  return [clearingFirst(stdout, spinner), clearingFirst(stderr, spinner)];
}

/** From now on, a second of silence shows the spinner. */
export function beginSpinner(): void {
  if (!active) return;
  active.running = true;
  active.arm();
}

/** A stream whose writes clear the spinner's line first, and wait a second again after. */
function clearingFirst(stream: NodeJS.WriteStream, spinner: Spinner): NodeJS.WriteStream {
  return {
    write: (chunk: string, ...rest: unknown[]) => {
      spinner.clear();
      const written = (stream.write as (...args: unknown[]) => boolean)(chunk, ...rest);
      spinner.arm();
      return written;
    },
    // What Output asks of its stdout to draw a table (a box fitted to the width).
    isTTY: stream.isTTY,
    get columns() {
      return stream.columns;
    },
  } as unknown as NodeJS.WriteStream;
}

/** While a prompt asks: no spinner. */
export async function withoutSpinner<T>(work: () => Promise<T>): Promise<T> {
  active?.hold();
  try {
    return await work();
  } finally {
    active?.release();
  }
}

/** The line cleared and no more of it (the run's end, or a command that takes the terminal itself). */
export function stopSpinner(): void {
  active?.hold();
}
