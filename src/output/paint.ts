// Colour, per stream: only where the stream is a terminal and neither --no-color nor NO_COLOR is
// set. chalk is loaded only then; output to a file or a pipe, the usual case in scripts, runs
// without it (its set-up costs about 0.7 ms).
export type Paint = Record<"bold" | "green" | "yellow" | "red" | "dim", (text: string) => string>;

/** What stdout and stderr show. */
export interface Painters {
  out: Paint;
  err: Paint;
}

const same = (text: string) => text;
const PLAIN: Paint = { bold: same, green: same, yellow: same, red: same, dim: same };
export const NO_COLOR_ANYWHERE: Painters = { out: PLAIN, err: PLAIN };

function showsColor(stream: { isTTY?: boolean }, color: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return color && !("NO_COLOR" in env && env.NO_COLOR !== "") && Boolean(stream.isTTY);
}

/** `color`: false for --no-color. */
export async function paintersFor(
  color: boolean,
  streams: { out: { isTTY?: boolean }; err: { isTTY?: boolean } } = { out: process.stdout, err: process.stderr },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Painters> {
  const out = showsColor(streams.out, color, env);
  const err = showsColor(streams.err, color, env);
  if (!out && !err) return NO_COLOR_ANYWHERE;
  const { Chalk } = await import("chalk");
  const colored = new Chalk({ level: 1 });
  return { out: out ? colored : PLAIN, err: err ? colored : PLAIN };
}
