import { describe, expect, test } from "@jest/globals";
import Table from "cli-table3";
import stringWidth from "string-width";
import { Chalk } from "chalk";
import { fitWidths, renderTable, renderTsv, type Column } from "../../src/output/table.js";
import { Output } from "../../src/output/output.js";

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

describe("renderTable on a narrow terminal", () => {
  const wide = [
    { id: "client/e044a1c7-5674-47c4-b5c1-8997acfcdd0d", name: "Gajim on the laptop in the office upstairs" },
    { id: "grant/AQpWN50aPODN", name: "日本語のクライアント" },
  ];

  test("a table that fits is drawn as without a width", () => {
    expect(renderTable(columns, rows(5), plain, 200)).toBe(renderTable(columns, rows(5), plain));
  });

  test("at 60 columns every line fits, the frame stays whole, and every cell's text is all there (wrapped, not cut)", () => {
    const table = renderTable(columns, wide, plain, 60);
    const lines = table.split("\n");
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(60);
    expect(new Set(lines.map((line) => stringWidth(line))).size).toBe(1); // a rectangle
    expect(lines[0]).toMatch(/^┌─+┬─+┐$/);
    expect(lines[2]).toMatch(/^├─+┼─+┤$/);
    expect(lines[lines.length - 1]).toMatch(/^└─+┴─+┘$/);
    const column = (index: number) =>
      lines
        .slice(3, -1)
        .map((line) => line.split("│")[index + 1].trim())
        .join("")
        .replace(/ /g, "");
    expect(column(0)).toBe(wide.map((row) => row.id).join(""));
    expect(column(1)).toBe(wide.map((row) => row.name).join("").replace(/ /g, ""));
  });

  test("the widest column is narrowed first, none below 4", () => {
    expect(fitWidths([40, 10, 5], 50)).toEqual([25, 10, 5]); // 25 + 10 + 5 + the frame's 10 = 50
    expect(fitWidths([40, 40], 10)).toEqual([4, 4]);
  });
});

describe("renderTsv: the table for scripts", () => {
  test("a header row, then one line per row, cells separated by a tab, no frame, no colour", () => {
    expect(renderTsv(columns, [{ id: "client/a", name: "Gajim" }, { id: "grant/b", name: "" }])).toBe("ID\tName\nclient/a\tGajim\ngrant/b\t");
    expect(renderTsv(columns, [])).toBe("ID\tName");
  });

  test("nothing is cut or wrapped, however long", () => {
    const long = "x".repeat(5000);
    expect(renderTsv(columns, [{ id: long, name: "日本語" }]).split("\n")[1]).toBe(`${long}\t日本語`);
  });

  test("a tab, newline, carriage return or backslash in a cell is escaped, so a row stays one line of as many fields as columns", () => {
    const tsv = renderTsv(columns, [{ id: "a\tb", name: "line1\nline2\r\\x1b \u001b[2J" }]);
    const lines = tsv.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1].split("\t")).toEqual(["a\\tb", "line1\\nline2\\r\\\\x1b \\x1b[2J"]);
    expect(tsv).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  test("a column marked fillDown repeats the value above in a blank cell (each line stands alone)", () => {
    const fields: Column<{ field: string; value: string }>[] = [
      { title: "Field", cell: (row) => row.field, fillDown: true },
      { title: "Value", cell: (row) => row.value },
    ];
    const tsv = renderTsv(fields, [
      { field: "Features", value: "a" },
      { field: "", value: "b" },
      { field: "Items", value: "" },
    ]);
    expect(tsv).toBe("Field\tValue\nFeatures\ta\nFeatures\tb\nItems\t");
  });
});

describe("Output.table picks the form from its stdout", () => {
  const capture = (isTTY: boolean, columns?: number) => {
    let text = "";
    const stream = { isTTY, columns, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
    const output = new Output({ json: false, verbose: false }, stream, stream);
    output.table(columns === undefined ? [{ title: "ID", cell: (row: Row) => row.id }] : [{ title: "ID", cell: (row: Row) => row.id }, { title: "Name", cell: (row: Row) => row.name }], [{ id: "client/" + "a".repeat(80), name: "n" }]);
    return text;
  };

  test("a terminal gets the boxed table, fitted to its width", () => {
    const text = capture(true, 60);
    expect(text).toMatch(/^┌/);
    for (const line of text.trimEnd().split("\n")) expect(stringWidth(line)).toBeLessThanOrEqual(60);
  });

  test("a pipe gets tab-separated rows", () => {
    expect(capture(false)).toBe(`ID\nclient/${"a".repeat(80)}\n`);
  });
});
