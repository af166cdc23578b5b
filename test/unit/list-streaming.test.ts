/**
 * The parts of `user list` that keep memory flat: the JSON document written while its array is
 * still being read (src/output/json-stream.ts), and the order the module's pages must follow
 * (src/commands/user/account-pages.ts compares names as Lua does: by their UTF-8 bytes).
 */
import { describe, expect, test } from "@jest/globals";
import { Output } from "../../src/output/output.js";
import { ShellOutput } from "../../src/shell/output.js";
import { JsonArrayStream } from "../../src/output/json-stream.js";
import { compareNames } from "../../src/commands/user/account-pages.js";

function captured(): { output: Output; text: () => string } {
  let text = "";
  const stream = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  return { output: new Output({ json: true, verbose: false }, stream, stream), text: () => text };
}

describe("JsonArrayStream", () => {
  test("pieces written page by page make one valid document: head fields, the array, then the tail fields", () => {
    const { output, text } = captured();
    const json = new JsonArrayStream(output, { host: "example.test" }, "accounts");
    json.add([{ jid: "a@example.test", disabled: false }]);
    json.add([]);
    json.add([{ jid: "b@example.test", disabled: true }, { jid: "c@example.test", disabled: false }]);
    json.end({ total: 3 });
    expect(JSON.parse(text())).toEqual({
      host: "example.test",
      accounts: [{ jid: "a@example.test", disabled: false }, { jid: "b@example.test", disabled: true }, { jid: "c@example.test", disabled: false }],
      total: 3,
    });
    expect(text().endsWith("}\n")).toBe(true);
  });

  test("an empty array, and characters a terminal acts on written as \\u escapes (the same JSON value)", () => {
    const { output, text } = captured();
    new JsonArrayStream(output, { host: "h\u009b" }, "accounts").end({ total: 0 });
    expect(JSON.parse(text())).toEqual({ host: "h\u009b", accounts: [], total: 0 });
    const second = captured();
    const json = new JsonArrayStream(second.output, {}, "accounts");
    json.add([{ jid: "x\u202e@h" }]);
    json.end({});
    expect(second.text()).toContain("\\u202e");
    expect(JSON.parse(second.text())).toEqual({ accounts: [{ jid: "x\u202e@h" }] });
  });

  test("in the shell: one document on one line (JSON Lines)", () => {
    let text = "";
    const output = new ShellOutput({ json: true, verbose: false }, { write: (_stream, chunk) => (text += chunk) });
    const json = new JsonArrayStream(output, { host: "h" }, "accounts");
    json.add([{ jid: "a@h" }, { jid: "b@h" }]);
    json.end({ more: true });
    expect(text).toBe('{"host":"h","accounts":[{"jid":"a@h"},{"jid":"b@h"}],"more":true}\n');
  });
});

describe("compareNames (the module's order: Lua compares UTF-8 bytes)", () => {
  test("by the name before @, byte by byte", () => {
    expect(compareNames("alice@h", "bob@h")).toBeLessThan(0);
    expect(compareNames("bob@h", "alice@h")).toBeGreaterThan(0);
    expect(compareNames("bob@h", "bob@other")).toBe(0);
    expect(compareNames("Bob@h", "bob@h")).toBeLessThan(0); // "B" (0x42) before "b" (0x62)
  });

  test("not JavaScript's UTF-16 order: U+FF61 sorts before U+1F600 in bytes, after it in UTF-16 code units", () => {
    expect("\uFF61" > "\u{1F600}").toBe(true);
    expect(compareNames("\uFF61@h", "\u{1F600}@h")).toBeLessThan(0);
  });
});
