import { describe, expect, test } from "@jest/globals";
import Table from "cli-table3";
import stringWidth from "string-width";
import { Chalk } from "chalk";
import { renderTable, type Column } from "../../src/output/table.js";

interface Row {
  id: string;
  name: string;
}
const columns: Column<Row>[] = [
  { title: "ID", cell: (row) => row.id },
  { title: "Name", cell: (row) => row.name },
];
const plain = new Chalk({ level: 0 });
const rows = (count: number): Row[] => Array.from({ length: count }, (_, i) => ({ id: `client/${i}`, name: i % 7 === 0 ? "日本語" : "x".repeat(i % 13) }));

/** cli-table3 drawing all rows in one table, the way it would without blocks. */
function oneTable(list: Row[]): string {
  const table = new Table({ head: ["ID", "Name"], style: { head: [], border: [], compact: true } });
  table.push(...list.map((row) => [row.id, row.name]));
  return table.toString();
}

describe("renderTable", () => {
  test.each([0, 1, 99, 100, 101, 250])("%i rows look exactly as one cli-table3 table would draw them", (count) => {
    expect(renderTable(columns, rows(count), plain)).toBe(oneTable(rows(count)));
  });

  test("no escape codes without colour, bold titles with it", () => {
    expect(renderTable(columns, rows(3), plain)).not.toMatch(/\u001b/);
    expect(renderTable(columns, rows(3), new Chalk({ level: 1 }))).toContain("\u001b[1mID\u001b[22m");
  });

  test("control characters from the server are shown escaped, not sent to the terminal", () => {
    const table = renderTable(columns, [{ id: "client/a", name: "evil\u001b[2J\u0007name" }], plain);
    for (const line of table.split("\n")) expect(line).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(table).toContain("evil\\x1b[2J\\x07name");
  });

  test("10,000 rows make one table: every line as wide on the terminal as the first", () => {
    const lines = renderTable(columns, rows(10_000), plain).split("\n");
    expect(lines).toHaveLength(10_000 + 4);
    expect(new Set(lines.map((line) => stringWidth(line))).size).toBe(1);
  });
});
