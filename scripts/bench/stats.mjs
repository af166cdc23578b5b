// Small statistics and formatting helpers for scripts/bench.mjs.

export function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const at = (q) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]; // nearest rank
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { n, median, p90: at(0.9), min: sorted[0], max: sorted[n - 1] };
}

export const ms = (value) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`);
export const signedMs = (value) => `${value >= 0 ? "+" : "−"}${ms(Math.abs(value))}`;
export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const times = (ratio) => `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;

/** A Markdown table; every cell is a string. The same text is readable on a terminal. */
export function markdownTable(head, rows) {
  rows = rows.map((row) => row.map((cell) => String(cell).replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|")));
  const widths = head.map((title, i) => Math.max(title.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => `| ${cells.map((cell, i) => String(cell).padEnd(widths[i])).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}
