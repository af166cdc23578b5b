// Tables in the spirit of prosodyctl shell: columns declared as specs (title and how to get the
// cell), drawn with cli-table3, with no escape codes at all when colour is off.
import Table from "cli-table3";
import type { ChalkInstance } from "chalk";
import { sanitize } from "./sanitize.js";

export interface Column<Row> {
  title: string;
  cell: (row: Row) => string;
}

export function renderTable<Row>(columns: Column<Row>[], rows: Row[], paint: ChalkInstance): string {
  const table = new Table({
    head: columns.map((column) => paint.bold(column.title)),
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) {
    table.push(columns.map((column) => sanitize(column.cell(row))));
  }
  return table.toString();
}
