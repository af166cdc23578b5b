// Splits what the shell reads into statements and words, as a POSIX shell would: ";" ends a
// statement, blanks separate words, '…' is literal, "…" keeps \" \\ \$ \` escapes, a backslash
// outside quotes escapes the next character, and "#" at the start of a word begins a comment.
// A statement in prosodyctl's call form (user:clients("…")) is left whole for call-form.ts.
import { usageError } from "../errors.js";
import { isCallForm } from "./call-form.js";

/** The statements of one line, comments and empty statements left out. Never throws. */
export function splitStatements(line: string): string[] {
  const statements: string[] = [];
  let at = 0;
  while (at < line.length) {
    while (at < line.length && (isBlank(line[at]) || line[at] === ";")) at++;
    if (at >= line.length || line[at] === "#") break;
    const { end, comment } = isCallForm(line.slice(at)) ? scanCallForm(line, at) : scanShell(line, at);
    const text = line.slice(at, end).trim();
    if (text) statements.push(text);
    if (comment) break;
    at = end + 1;
  }
  return statements;
}

interface Scan {
  /** Index of the ";" that ends the statement, of the comment's start, or the line's length. */
  end: number;
  comment: boolean;
}

function scanShell(line: string, start: number): Scan {
  let quote: "'" | '"' | undefined;
  for (let at = start; at < line.length; at++) {
    const char = line[at];
    if (quote === "'") {
      if (char === "'") quote = undefined;
    } else if (quote === '"') {
      if (char === "\\") at++;
      else if (char === '"') quote = undefined;
    } else if (char === "\\") {
      at++;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === ";") {
      return { end: at, comment: false };
    } else if (char === "#" && (at === start || isBlank(line[at - 1]))) {
      return { end: at, comment: true };
    }
  }
  return { end: line.length, comment: false };
}

/** Lua's rules: '…' and "…" with backslash escapes, [[…]] / [=[…]=] long strings, "--" comments. */
function scanCallForm(line: string, start: number): Scan {
  for (let at = start; at < line.length; at++) {
    const char = line[at];
    if (char === "'" || char === '"') {
      for (at++; at < line.length && line[at] !== char; at++) {
        if (line[at] === "\\") at++;
      }
    } else if (char === "[" && /^\[=*\[/.test(line.slice(at))) {
      const open = /^\[(=*)\[/.exec(line.slice(at))!;
      const close = line.indexOf(`]${open[1]}]`, at + open[0].length);
      at = close === -1 ? line.length : close + open[1].length + 1;
    } else if (char === "-" && line[at + 1] === "-") {
      return { end: at, comment: true };
    } else if (char === ";") {
      return { end: at, comment: false };
    }
  }
  return { end: line.length, comment: false };
}

/** The words of a statement in shell form. Throws a usage error on an unterminated quote. */
export function shellWords(text: string): string[] {
  const { words, open } = scanWords(text);
  if (open) {
    throw usageError(`Unterminated ${open === "'" ? "single" : "double"} quote in: ${text}`, "Close the quote on the same line.");
  }
  return words.map((word) => word.value);
}

export interface PartialWords {
  /** Words complete before the cursor. */
  words: string[];
  /** The word being typed, unquoted so far; "" after a blank. */
  current: string;
  /** That word as typed (quotes included): what a completion replaces. */
  currentRaw: string;
}

/** For tab completion: the line up to the cursor, whose last word may be unfinished. */
export function partialWords(text: string): PartialWords {
  const { words, endsInBlank } = scanWords(text);
  if (endsInBlank || words.length === 0) return { words: words.map((word) => word.value), current: "", currentRaw: "" };
  const last = words[words.length - 1];
  return { words: words.slice(0, -1).map((word) => word.value), current: last.value, currentRaw: text.slice(last.start) };
}

interface Word {
  value: string;
  start: number;
}

function scanWords(text: string): { words: Word[]; open?: "'" | '"'; endsInBlank: boolean } {
  const words: Word[] = [];
  let current: Word | undefined;
  let quote: "'" | '"' | undefined;
  const word = (at: number) => (current ??= { value: "", start: at });
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current!.value += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "\\" && at + 1 < text.length && '"\\$`'.includes(text[at + 1])) current!.value += text[++at];
      else current!.value += char;
    } else if (isBlank(char)) {
      if (current) words.push(current);
      current = undefined;
    } else if (char === "'" || char === '"') {
      word(at);
      quote = char;
    } else if (char === "\\") {
      word(at).value += at + 1 < text.length ? text[++at] : "";
    } else {
      word(at).value += char;
    }
  }
  const endsInBlank = current === undefined && !quote;
  if (current) words.push(current);
  return { words, open: quote, endsInBlank };
}

function isBlank(char: string): boolean {
  return char === " " || char === "\t" || char === "\r" || char === "\n";
}
