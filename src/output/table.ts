// Tables in the spirit of prosodyctl shell: columns declared as specs (title and how to get the
// cell), drawn with cli-table3, with no escape codes at all when colour is off.
import Table from "cli-table3";
import textWidth from "./text-width.js";
import type { Paint } from "./paint.js";
import { sanitize } from "./sanitize.js";

export interface Column<Row> {
  title: string;
  cell: (row: Row) => string;
}

const PADDING = 1;

export function renderTable<Row>(columns: Column<Row>[], rows: Row[], paint: Paint): string {
  // Titles too may be a server's words (an ad-hoc result's column labels).
  const titles = columns.map((column) => sanitize(column.title));
  const cells = rows.map((row) => columns.map((column) => sanitize(column.cell(row))));
  const widths = columns.map((_column, index) => {
    let widest = textWidth(titles[index]);
    for (const row of cells) widest = Math.max(widest, textWidth(row[index]));
    return widest;
  });
  // cli-table3 draws the frame, the head and the first row. It spends about 150 µs on each row
  // (10,000 rows: 1.5 s), so the other rows are laid out here in the same way, in linear time.
  const table = new Table({
    head: titles.map((title) => paint.bold(title)),
    colWidths: widths.map((width) => width + 2 * PADDING),
    wordWrap: false,
    // Cells always fit, so nothing is cut; but cli-table3 cuts each cell to 10 columns for a debug
    // line it never prints, and measuring its default "…" costs string-width's slow path (~1 ms).
    truncate: "...",
    style: { head: [], border: [], compact: true, "padding-left": PADDING, "padding-right": PADDING },
  });
  if (cells.length > 0) table.push(cells[0]);
  const frame = table.toString().split("\n");
  if (cells.length <= 1) return frame.join("\n");
  const bottom = frame.pop()!;
  const pad = " ".repeat(PADDING);
  const rest = cells.slice(1).map((row) => `│${row.map((cell, index) => `${pad}${cell}${" ".repeat(widths[index] - textWidth(cell))}${pad}`).join("│")}│`);
  return [...frame, ...rest, bottom].join("\n");
}
