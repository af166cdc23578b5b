// XEP-0004 data forms: reading a form or result, and building the <x type="submit"/> that answers
// one, checked before it is sent (the server's own checks come back as error notes after a round
// trip, and some bad values make Prosody 13 send no answer at all). Pure: no I/O.
import type { Element } from "@xmpp/xml";
import xml from "@xmpp/xml";
import { usageError, XmgrError } from "../errors.js";
import { parseJid } from "../jid.js";
import { NOT_IN_XML } from "./xml-chars.js";

export const NS_DATA = "jabber:x:data";

export type FormType = "form" | "submit" | "cancel" | "result";
export type FieldType =
  | "boolean" | "fixed" | "hidden" | "jid-multi" | "jid-single"
  | "list-multi" | "list-single" | "text-multi" | "text-private" | "text-single";

const FORM_TYPES: readonly string[] = ["form", "submit", "cancel", "result"];
const FIELD_TYPES: readonly string[] = [
  "boolean", "fixed", "hidden", "jid-multi", "jid-single", "list-multi", "list-single", "text-multi", "text-private", "text-single",
];
const MULTI_VALUED: readonly FieldType[] = ["jid-multi", "list-multi", "text-multi"];

export interface FieldOption {
  value: string;
  label?: string;
}

export interface FormField {
  /** Absent only on "fixed" fields (and in broken forms): such a field cannot be submitted. */
  var?: string;
  type: FieldType;
  label?: string;
  desc?: string;
  required: boolean;
  values: string[];
  options: FieldOption[];
}

export interface DataForm {
  type: FormType;
  title?: string;
  instructions: string[];
  fields: FormField[];
  /** The columns of a table result (XEP-0004 §3.4), and its rows. */
  reported: FormField[];
  items: FormField[][];
  /** Elements of other namespaces inside <x/>, e.g. the roster that get-user-roster embeds. */
  payloads: Element[];
}

/** A field as a command declares it, to submit without fetching the form first. */
export interface FieldSpec {
  var: string;
  type?: FieldType;
  required?: boolean;
  options?: string[];
}

/** An <x type="submit"/> that passed submitForm's checks (the only way to make one). */
export type SubmitForm = Element & { readonly __checkedSubmitForm: true };

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** Reads a data form; tolerant of whatever a server sends, as long as it is an <x xmlns="jabber:x:data"/>. */
export function parseForm(x: Element): DataForm {
  if (x.name !== "x" || x.attrs.xmlns !== NS_DATA) {
    throw new XmgrError("failure", `The server's answer holds a <${x.name}/> where a data form (jabber:x:data) belongs.`);
  }
  const type = str(x.attrs.type) ?? "";
  const form: DataForm = {
    type: (FORM_TYPES.includes(type) ? type : "form") as FormType,
    instructions: [],
    fields: [],
    reported: [],
    items: [],
    payloads: [],
  };
  for (const child of x.getChildElements()) {
    const ours = child.attrs.xmlns === undefined || child.attrs.xmlns === NS_DATA;
    if (!ours) form.payloads.push(child);
    else if (child.name === "title") form.title ??= child.text();
    else if (child.name === "instructions") form.instructions.push(child.text());
    else if (child.name === "field") form.fields.push(parseField(child));
    else if (child.name === "reported") form.reported = child.getChildren("field").map(parseField);
    else if (child.name === "item") form.items.push(child.getChildren("field").map(parseField));
  }
  return form;
}

function parseField(field: Element): FormField {
  const type = str(field.attrs.type) ?? "";
  const parsed: FormField = {
    type: (FIELD_TYPES.includes(type) ? type : "text-single") as FieldType, // XEP-0004: text-single by default
    required: field.getChild("required") !== undefined,
    values: field.getChildren("value").map((value) => value.text()),
    options: field.getChildren("option").map((option) => {
      const label = str(option.attrs.label);
      return { value: option.getChildText("value") ?? "", ...(label !== undefined && { label }) };
    }),
  };
  const name = str(field.attrs.var);
  const label = str(field.attrs.label);
  const desc = field.getChildText("desc");
  if (name !== undefined) parsed.var = name;
  if (label !== undefined) parsed.label = label;
  if (desc !== null) parsed.desc = desc;
  return parsed;
}

/** The values of a field by its var, in a form or in one item of a table; undefined when absent. */
export function fieldValues(from: DataForm | readonly FormField[], name: string): string[] | undefined {
  const fields = Array.isArray(from) ? from : (from as DataForm).fields;
  return fields.find((field) => field.var === name)?.values;
}

/** A form from a command's declared fields, for a single-stage execute (no form fetched first). */
export function declaredForm(fields: readonly FieldSpec[], formType?: string): DataForm {
  const hidden: FormField[] = formType === undefined ? [] : [{ var: "FORM_TYPE", type: "hidden", required: false, values: [formType], options: [] }];
  return {
    type: "form",
    instructions: [],
    fields: [
      ...hidden,
      ...fields.map((spec): FormField => ({
        var: spec.var,
        type: spec.type ?? "text-single",
        required: spec.required ?? false,
        values: [],
        options: (spec.options ?? []).map((value) => ({ value })),
      })),
    ],
    reported: [],
    items: [],
    payloads: [],
  };
}

/**
 * Fills a form with the given values (by var) and checks it as the server would: required fields
 * present (an empty value counts as missing), one value for single-valued types, values among a
 * list's options, booleans, JIDs. Fields not given keep the form's values (hidden FORM_TYPE,
 * defaults); fields with no value at all are left out. Throws one usage error naming every problem.
 */
export function submitForm(form: DataForm, values: Readonly<Record<string, readonly string[]>>): SubmitForm {
  const fields = form.fields.filter((field) => field.var !== undefined && field.type !== "fixed");
  const problems: string[] = [];
  const unknown = Object.keys(values).filter((name) => !fields.some((field) => field.var === name));
  if (unknown.length > 0) {
    problems.push(`no field ${unknown.join(", ")} (the form has: ${fields.map((field) => field.var).join(", ") || "no fields"})`);
  }
  const submitted: Element[] = [];
  for (const field of fields) {
    const name = field.var!;
    const given = Object.hasOwn(values, name) ? values[name] : undefined;
    // A text-multi field holds one line a value (XEP-0004 §3.3): "a\nb" is two values.
    const lines = given && field.type === "text-multi" ? given.flatMap((value) => value.split(/\r?\n/)) : given;
    const checked = checkField(field, lines ?? field.values, problems);
    if (given !== undefined || checked.length > 0) {
      const attrs = field.type === "hidden" ? { var: name, type: "hidden" } : { var: name };
      submitted.push(xml("field", attrs, ...checked.map((value) => xml("value", {}, value))));
    }
  }
  if (problems.length > 0) throw usageError(`The form cannot be sent: ${problems.join("; ")}.`);
  return xml("x", { xmlns: NS_DATA, type: "submit" }, ...submitted) as SubmitForm;
}

/** Returns the values to send (booleans as "1"/"0"); adds what is wrong to problems. */
function checkField(field: FormField, values: readonly string[], problems: string[]): string[] {
  const name = field.var!;
  const present = values.filter((value) => value !== "");
  if (field.required && present.length === 0) problems.push(`${name} is required`);
  if (values.length > 1 && !MULTI_VALUED.includes(field.type)) problems.push(`${name} takes one value, not ${values.length}`);
  // Values are named in messages except a text-private field's (a password).
  if (values.some((value) => NOT_IN_XML.test(value))) problems.push(`${name} holds a character XML cannot carry`);
  if (field.type === "boolean") {
    return values.map((value) => {
      if (value === "") return value;
      const bool = /^(?:1|true)$/i.test(value) ? "1" : /^(?:0|false)$/i.test(value) ? "0" : undefined;
      if (bool === undefined) problems.push(`${name} must be true or false (1 or 0), not ${JSON.stringify(value)}`);
      return bool ?? value;
    });
  }
  if ((field.type === "list-single" || field.type === "list-multi") && field.options.length > 0) {
    for (const value of present.filter((value) => !field.options.some((option) => option.value === value))) {
      problems.push(`${name} cannot be ${JSON.stringify(value)} (one of: ${listed(field.options.map((option) => option.value))})`);
    }
  }
  if (field.type === "jid-single" || field.type === "jid-multi") {
    for (const value of present.filter((value) => !validJid(value))) problems.push(`${name}: ${JSON.stringify(value)} is not a valid JID`);
  }
  return [...values];
}

const listed = (values: readonly string[]) => (values.length > 12 ? `${values.slice(0, 12).join(", ")}, …` : values.join(", "));

// parseJid insists on a user part; a form's JID may also be a bare domain (a host, a MUC service).
function validJid(text: string): boolean {
  const slash = text.indexOf("/");
  const bare = slash === -1 ? text : text.slice(0, slash);
  try {
    parseJid(bare.includes("@") ? text : `x@${text}`);
    return true;
  } catch {
    return false;
  }
}
