// prosodyctl shell's call form, for an admin's muscle memory: user:clients("alice@example.com"),
// user:revoke_client("alice@example.com", 'grant/x'), also user:clients "alice@example.com".
// Arguments are Lua string literals; the result is the same words the shell form gives.
import { usageError } from "../errors.js";

const START = /^\s*([A-Za-z_]\w*):([A-Za-z_]\w*)\s*/;

/** Whether a statement is written as section:command(…). */
export function isCallForm(text: string): boolean {
  return /^\s*[A-Za-z_]\w*:[A-Za-z_]\w*\s*(?:[("'[]|$)/.test(text);
}

/** ["user", "clients", "alice@example.com"] from user:clients("alice@example.com"). */
export function parseCallForm(text: string): string[] {
  const start = START.exec(text);
  if (!start) throw usageError(`Not a command: ${text}`);
  const [, section, command] = start;
  const reader = new Reader(text, start[0].length);
  const args: string[] = [];
  const example = `${section}:${command}("…")`;
  if (reader.peek() === "(") {
    reader.next();
    reader.blanks();
    if (reader.peek() !== ")") {
      for (;;) {
        args.push(reader.stringLiteral(example));
        reader.blanks();
        const separator = reader.next();
        if (separator === ")") break;
        if (separator !== ",") throw usageError(`Expected "," or ")" after an argument in: ${text}`, `Example: ${example}`);
        reader.blanks();
      }
    } else {
      reader.next();
    }
  } else if (!reader.done()) {
    args.push(reader.stringLiteral(example));
  }
  reader.blanks();
  if (!reader.done()) throw usageError(`Unexpected text after the call in: ${text}`, `Example: ${example}`);
  return [section, command, ...args];
}

class Reader {
  constructor(
    private readonly text: string,
    private at: number,
  ) {}

  peek(): string | undefined {
    return this.text[this.at];
  }

  next(): string | undefined {
    return this.text[this.at++];
  }

  done(): boolean {
    return this.at >= this.text.length;
  }

  blanks(): void {
    while (/\s/.test(this.text[this.at] ?? "")) this.at++;
  }

  stringLiteral(example: string): string {
    const rest = this.text.slice(this.at);
    const quote = rest[0];
    if (quote === '"' || quote === "'") return this.quoted(quote);
    const long = /^\[(=*)\[\n?/.exec(rest);
    if (long) {
      const close = `]${long[1]}]`;
      const end = rest.indexOf(close, long[0].length);
      if (end === -1) throw usageError(`Unterminated long string in: ${this.text}`);
      this.at += end + close.length;
      return rest.slice(long[0].length, end);
    }
    throw usageError(`Give every argument as a quoted string in: ${this.text}`, `Example: ${example}`);
  }

  /** A '…' or "…" literal with Lua's escapes, decoded as UTF-8 (\ddd and \xhh are bytes). */
  private quoted(quote: string): string {
    const bytes: number[] = [];
    const add = (text: string) => bytes.push(...Buffer.from(text, "utf8"));
    this.at++;
    for (;;) {
      const char = this.next();
      if (char === undefined || char === "\n") throw usageError(`Unterminated string in: ${this.text}`);
      if (char === quote) break;
      if (char !== "\\") {
        add(char);
        continue;
      }
      const escape = this.next();
      const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'", "\n": "\n" };
      if (escape !== undefined && escape in simple) {
        add(simple[escape]);
      } else if (escape === "x" && /^[0-9a-fA-F]{2}/.test(this.text.slice(this.at))) {
        bytes.push(parseInt(this.text.slice(this.at, this.at + 2), 16));
        this.at += 2;
      } else if (escape !== undefined && /\d/.test(escape)) {
        const digits = /^\d{0,2}/.exec(this.text.slice(this.at))![0];
        const value = Number(escape + digits);
        if (value > 255) throw usageError(`Invalid escape \\${escape}${digits} in: ${this.text}`);
        bytes.push(value);
        this.at += digits.length;
      } else if (escape === "z") {
        this.blanks();
      } else if (escape === "u" && /^\{[0-9a-fA-F]{1,6}\}/.test(this.text.slice(this.at))) {
        const end = this.text.indexOf("}", this.at);
        const code = parseInt(this.text.slice(this.at + 1, end), 16);
        if (code > 0x10ffff) throw usageError(`Invalid escape \\u{…} in: ${this.text}`);
        add(String.fromCodePoint(code));
        this.at = end + 1;
      } else {
        throw usageError(`Invalid escape \\${escape ?? ""} in: ${this.text}`);
      }
    }
    return Buffer.from(bytes).toString("utf8");
  }
}
