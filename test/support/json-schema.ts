/**
 * A small validator for the part of JSON Schema that test/schemas/ uses: type (one or a list),
 * properties, required, additionalProperties (false or a schema), items, enum, const, minimum,
 * anyOf, format "date-time" and $ref ("#/$defs/x" in the same file, "common.json#/$defs/x" in
 * another file of test/schemas/). Anything else in a schema is an error, so a schema cannot
 * silently ask for more than is checked.
 *
 *   const errors = validate(loadSchema("user-clients.json"), JSON.parse(stdout));   // [] when valid
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./xmgr.js";

export const schemaDir = join(repoRoot, "test", "schemas");

export type Schema = { [key: string]: unknown };

const KNOWN = new Set(["$schema", "$id", "$defs", "title", "description", "type", "properties", "required", "additionalProperties", "items", "enum", "const", "minimum", "anyOf", "format", "$ref"]);

/**
 * The one time format of xmgr's JSON: RFC 3339 in UTC, to the second. RFC 3339 allows more
 * (fractions, offsets); xmgr writes only this, and the schemas hold it to that.
 */
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

const files = new Map<string, Schema>();

export function loadSchema(file: string): Schema {
  let schema = files.get(file);
  if (!schema) {
    schema = JSON.parse(readFileSync(join(schemaDir, file), "utf8")) as Schema;
    files.set(file, schema);
  }
  return schema;
}

/** Every schema file of test/schemas/ but common.json: one per command (or group of commands). */
export const commandSchemaFiles = (): string[] => readdirSync(schemaDir).filter((name) => name.endsWith(".json") && name !== "common.json").sort();

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function resolve(ref: string, file: string): [Schema, string] {
  const [target, pointer] = ref.split("#");
  const inFile = target === "" ? file : target;
  let node: unknown = loadSchema(inFile);
  for (const part of (pointer ?? "").split("/").filter(Boolean)) node = (node as Schema)[part];
  if (typeof node !== "object" || node === null) throw new Error(`${file}: $ref ${ref} leads nowhere`);
  return [node as Schema, inFile];
}

/** What is wrong with `value` under `schema` (read from `file`, for its $refs): one line each, none when it fits. */
export function validate(schema: Schema, value: unknown, file = "", path = "$"): string[] {
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) throw new Error(`${file}: the validator does not know "${key}" (at ${path})`);
  if (typeof schema.$ref === "string") {
    const [target, inFile] = resolve(schema.$ref, file);
    return validate(target, value, inFile, path);
  }
  const errors: string[] = [];
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const fits = types.includes(actual) || (actual === "integer" && types.includes("number"));
    if (!fits) return [`${path}: ${actual} where ${types.join(" or ")} is expected`];
  }
  if (schema.const !== undefined && JSON.stringify(value) !== JSON.stringify(schema.const)) errors.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    errors.push(`${path}: ${JSON.stringify(value)} is none of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof schema.minimum === "number" && typeof value === "number" && value < schema.minimum) errors.push(`${path}: ${value} is under ${schema.minimum}`);
  if (schema.format === "date-time" && typeof value === "string" && !DATE_TIME.test(value)) errors.push(`${path}: ${JSON.stringify(value)} is not RFC 3339 UTC to the second (2026-12-05T16:07:11Z)`);
  if (Array.isArray(schema.anyOf)) {
    const each = (schema.anyOf as Schema[]).map((option) => validate(option, value, file, path));
    if (each.every((found) => found.length > 0)) errors.push(`${path}: fits none of anyOf (${each.map((found) => found[0]).join("; ")})`);
  }
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in object)) errors.push(`${path}: no "${key}"`);
    for (const [key, item] of Object.entries(object)) {
      if (properties[key]) errors.push(...validate(properties[key], item, file, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: "${key}" is not in the schema`);
      else if (typeof schema.additionalProperties === "object") errors.push(...validate(schema.additionalProperties as Schema, item, file, `${path}.${key}`));
    }
  }
  if (actual === "array" && schema.items) (value as unknown[]).forEach((item, index) => errors.push(...validate(schema.items as Schema, item, file, `${path}[${index}]`)));
  return errors;
}
