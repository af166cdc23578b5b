// Tables in the spirit of prosodyctl shell: columns declared as specs (title and how to get the
// cell), drawn with cli-table3, with no escape codes at all when colour is off. Output.table()
// picks the form: boxed and fitted on a terminal, tab-separated rows (renderTsv) anywhere else.
import Table from "cli-table3";
import textWidth from "./text-width.js";
import type { Paint } from "./paint.js";
import { sanitize } from "./sanitize.js";

export interface Column<Row> {
  title: string;
  cell: (row: Row) => string;
  /** A blank cell continues the one above (a field named once for several values): filled in the tab-separated form, where each line stands alone. */
  fillDown?: boolean;
}

const PADDING = 1;

/**
 * `maxWidth`: the columns the table may take (none: as wide as it needs). A table wider than that
 * has its widest columns narrowed, their cells wrapped onto more lines: nothing is cut.
 */
export function renderTable<Row>(columns: Column<Row>[], rows: Row[], paint: Paint, maxWidth?: number): string {
  // Titles too may be a server's words (an ad-hoc result's column labels).
  const titles = columns.map((column) => sanitize(column.title));
  const cells = rows.map((row) => columns.map((column) => sanitize(column.cell(row))));
  const widths = columns.map((_column, index) => {
    let widest = textWidth(titles[index]);
    for (const row of cells) widest = Math.max(widest, textWidth(row[index]));
    return widest;
  });
  const fitted = maxWidth === undefined ? widths : fitWidths(widths, maxWidth);
  if (fitted.some((width, index) => width !== widths[index])) return wrappedTable(titles, cells, fitted, paint);
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

/** Narrowest a narrowed column gets (user clients' 7 columns still fit in 60). */
const MIN_COLUMN = 4;

/** Column widths that fit in maxWidth with the frame, narrowing the widest first. */
export function fitWidths(widths: number[], maxWidth: number): number[] {
  const fitted = [...widths];
  const frame = widths.length * (2 * PADDING + 1) + 1;
  let excess = fitted.reduce((sum, width) => sum + width, 0) + frame - maxWidth;
  while (excess > 0) {
    const widest = fitted.indexOf(Math.max(...fitted));
    if (fitted[widest] <= MIN_COLUMN) break;
    fitted[widest]--;
    excess--;
  }
  return fitted;
}

/** A cell's text in pieces of at most `width` columns (a character wider than that gets a piece of its own). */
function wrapCell(text: string, width: number): string[] {
  if (textWidth(text) <= width) return [text];
  const pieces: string[] = [];
  let piece = "";
  for (const char of text) {
    if (piece !== "" && textWidth(piece + char) > width) {
      pieces.push(piece);
      piece = "";
    }
    piece += char;
  }
  pieces.push(piece);
  return pieces;
}

/** The table drawn as cli-table3 draws it (compact), each cell wrapped to its column's width. */
function wrappedTable(titles: string[], cells: string[][], widths: number[], paint: Paint): string {
  const pad = " ".repeat(PADDING);
  const rule = (left: string, middle: string, right: string) => `${left}${widths.map((width) => "─".repeat(width + 2 * PADDING)).join(middle)}${right}`;
  const lines = (row: string[], style: (text: string) => string) => {
    const pieces = row.map((cell, index) => wrapCell(cell, widths[index]));
    const height = Math.max(...pieces.map((cellPieces) => cellPieces.length));
    return Array.from({ length: height }, (_, line) =>
      `│${pieces.map((cellPieces, index) => {
        const text = cellPieces[line] ?? "";
        return `${pad}${text ? style(text) : ""}${" ".repeat(widths[index] - textWidth(text))}${pad}`;
      }).join("│")}│`,
    );
  };
  return [
    rule("┌", "┬", "┐"),
    ...lines(titles, (text) => paint.bold(text)),
    ...(cells.length > 0 ? [rule("├", "┼", "┤")] : []),
    ...cells.flatMap((row) => lines(row, (text) => text)),
    rule("└", "┴", "┘"),
  ].join("\n");
}

/**
 * The table for a script (stdout not a terminal, as gh does it): a header row of the titles, then
 * one line per row, the cells separated by a tab, no colour, nothing cut or wrapped. So that a
 * row stays one line and a cell one field, a backslash is written \\, a tab \t, a newline \n, a
 * carriage return \r, and any other control character as the \x/\u escape of sanitize().
 */
export function renderTsv<Row>(columns: Column<Row>[], rows: Row[]): string {
  const line = (cells: string[]) => cells.map(tsvField).join("\t");
  let above: string[] = [];
  const lines = rows.map((row) => {
    const cells = columns.map((column, index) => {
      const cell = column.cell(row);
      return cell === "" && column.fillDown ? (above[index] ?? "") : cell;
    });
    above = cells;
    return line(cells);
  });
  return [line(columns.map((column) => column.title)), ...lines].join("\n");
}

const TSV_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** One cell as a TSV field (renderTsv). */
export const tsvField = (text: string): string => sanitize(text.replace(/[\\\t\n\r]/g, (char) => TSV_ESCAPES[char]));
