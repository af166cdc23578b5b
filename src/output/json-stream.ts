// A JSON document with one long array, written while the array is still being read (user list):
// memory stays flat however long it gets. Fields known only at the end (a total) come after the
// array. Escaped like jsonData; one line in the shell, indented elsewhere. A failure in the middle
// leaves an unfinished document, which any JSON reader refuses (and the exit code says it).
import type { Output } from "./output.js";
import { escapeInJson } from "./sanitize.js";

export class JsonArrayStream {
  private items = 0;
  private readonly nl: string;
  private readonly indent: string;

  constructor(
    private readonly output: Output,
    head: Record<string, unknown>,
    key: string,
  ) {
    this.nl = output.jsonMultiline ? "\n" : "";
    this.indent = output.jsonMultiline ? "  " : "";
    const fields = Object.entries(head).map(([name, value]) => `${this.field(name, value)},`);
    output.dataPart(`{${this.nl}${fields.join(this.nl)}${fields.length > 0 ? this.nl : ""}${this.indent}${JSON.stringify(key)}:${this.nl ? " " : ""}[`);
  }

  add(values: readonly unknown[]): void {
    if (values.length === 0) return;
    const lines = values.map((value) => `${this.indent}${this.indent}${escapeInJson(JSON.stringify(value))}`);
    this.output.dataPart(`${this.items > 0 ? "," : ""}${this.nl}${lines.join(`,${this.nl}`)}`);
    this.items += values.length;
  }

  end(tail: Record<string, unknown>): void {
    const fields = Object.entries(tail).map(([name, value]) => `,${this.nl}${this.field(name, value)}`);
    this.output.dataPart(`${this.items > 0 ? `${this.nl}${this.indent}` : ""}]${fields.join("")}${this.nl}}\n`);
  }

  private field(name: string, value: unknown): string {
    return `${this.indent}${JSON.stringify(name)}:${this.nl ? " " : ""}${escapeInJson(JSON.stringify(value))}`;
  }
}
