/**
 * The JSON shapes are written down twice, for people in the man page (JSON OUTPUT) and for
 * machines in test/schemas/ (which test/e2e/json-output.test.ts checks real output against):
 * every command that prints JSON has both, and each top-level key of a schema is named in the
 * man page's entry for that command.
 */
import { describe, expect, test } from "@jest/globals";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { COMMANDS } from "../../src/commands/index.js";
import { commandPath } from "../../src/commands/define.js";
import { repoRoot } from "../support/xmgr.js";
import { commandSchemaFiles, loadSchema, validate, type Schema } from "../support/json-schema.js";

const manPage = readFileSync(join(repoRoot, "man", "xmgr.1"), "utf8");
const jsonSection = manPage.slice(manPage.indexOf(".SH JSON OUTPUT"), manPage.indexOf("\n.SH ", manPage.indexOf(".SH JSON OUTPUT") + 1));

/** The JSON OUTPUT section's entries: the commands a `.SS` heading names → the text under it. */
const manEntries = new Map<string, string>();
for (const part of jsonSection.split("\n.SS ").slice(1)) {
  const [heading, ...body] = part.split("\n");
  for (const command of heading.split(", ")) manEntries.set(command.trim(), body.join("\n"));
}

/** The schema file naming each command in its title. */
const schemaOf = new Map<string, string>();
for (const file of commandSchemaFiles()) for (const command of String(loadSchema(file).title).split(", ")) schemaOf.set(command, file);

const commandsDir = join(repoRoot, "src", "commands");
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []));

/** The command a file defines ("user clients"), if it defines one. */
function definedIn(text: string): string | undefined {
  if (!text.includes("defineCommand")) return undefined;
  const name = /^\s*name: "([^"]+)"/m.exec(text)?.[1];
  const section = /^\s*section: "([^"]+)"/m.exec(text)?.[1];
  return name && (section ? `${section} ${name}` : name);
}

const PRINTS_JSON = /\.jsonData\(|new JsonArrayStream\(/;

/** Whether a command's file, or a module of src/commands it imports (and so on), prints JSON. */
function printsJson(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  if (PRINTS_JSON.test(text)) return true;
  const imports = [...text.matchAll(/^import [^;]*? from "(\.{1,2}\/[^"]+)\.js"/gm)].filter((match) => !match[0].startsWith("import type")).map((match) => join(dirname(file), `${match[1]}.ts`));
  // lost-answer.ts prints for any write whose lost answer was settled: documented with user create/delete, muc destroy.
  return imports.filter((path) => path.startsWith(commandsDir) && !path.endsWith("lost-answer.ts")).some((path) => printsJson(path, seen));
}

const withJson = sourceFiles(commandsDir).flatMap((file) => {
  const command = definedIn(readFileSync(file, "utf8"));
  return command && printsJson(file) ? [command] : [];
});

const topLevelKeys = (schema: Schema): string[] => {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).flatMap((branch) => (branch.$ref ? [] : topLevelKeys(branch)));
  return Object.keys((schema.properties ?? {}) as Schema);
};

describe("JSON output: man page and schemas in step", () => {
  test("the commands found printing JSON are the command table's, but the shell's and completion's", () => {
    expect([...withJson].sort()).toEqual(COMMANDS.map(commandPath).filter((path) => path !== "shell" && path !== "completion").sort());
  });

  test.each(withJson.sort())("%s: a schema in test/schemas/ and an entry in the man page's JSON OUTPUT", (command) => {
    expect({ command, schema: schemaOf.has(command) }).toEqual({ command, schema: true });
    expect({ command, documented: manEntries.has(command) }).toEqual({ command, documented: true });
  });

  test.each(commandSchemaFiles())("%s: its commands exist, and the man page names each of its top-level keys", (file) => {
    const schema = loadSchema(file);
    const known = new Set(COMMANDS.map(commandPath));
    for (const command of String(schema.title).split(", ")) {
      expect({ command, exists: known.has(command) }).toEqual({ command, exists: true });
      const entry = (manEntries.get(command) ?? "").replaceAll("\\(dq", '"');
      const missing = topLevelKeys(schema).filter((key) => !new RegExp(`\\b${key}\\b`).test(entry));
      expect({ command, missing }).toEqual({ command, missing: [] });
    }
  });

  test("the man page's JSON OUTPUT has no entry for a command that does not exist", () => {
    const known = new Set(COMMANDS.map(commandPath));
    expect([...manEntries.keys()].filter((command) => !known.has(command))).toEqual([]);
  });
});

describe("the schema validator (test/support/json-schema.ts)", () => {
  const schema: Schema = {
    type: "object",
    properties: { jid: { type: "string" }, count: { type: "integer", minimum: 0 }, at: { $ref: "common.json#/$defs/time" }, list: { type: "array", items: { enum: ["a", "b"] } } },
    required: ["jid"],
    additionalProperties: false,
  };

  test("a document that fits has no errors", () => {
    expect(validate(schema, { jid: "a@b", count: 3, at: "2026-12-05T16:07:11Z", list: ["a"] })).toEqual([]);
  });

  test("each kind of misfit is found", () => {
    expect(validate(schema, { count: -1, at: "2026-12-05T16:07:11.000Z", list: ["c"], extra: 1 })).toEqual([
      "$: no \"jid\"",
      "$.count: -1 is under 0",
      "$.at: \"2026-12-05T16:07:11.000Z\" is not RFC 3339 UTC to the second (2026-12-05T16:07:11Z)",
      "$.list[0]: \"c\" is none of [\"a\",\"b\"]",
      "$: \"extra\" is not in the schema",
    ]);
    expect(validate(schema, { jid: 1 })).toEqual(["$.jid: integer where string is expected"]);
    expect(validate(schema, "text")).toEqual(["$: string where object is expected"]);
  });

  test("a keyword it does not check is refused, not ignored", () => {
    expect(() => validate({ pattern: "^a" }, "b")).toThrow(/does not know "pattern"/);
  });
});
