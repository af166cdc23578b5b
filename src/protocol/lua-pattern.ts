// Lua's string patterns, as `prosodyctl shell user:list(host, pattern)` applies them
// (`username:match(pattern)`): a port of the matcher of Lua 5.4's lstrlib.c, over the UTF-8
// bytes of the text as Lua sees them, classes in the C locale (%a is ASCII letters).
// Unanchored unless the pattern starts with ^; $ at the end anchors at the end; . * + - ? [set]
// %a %c %d %g %l %p %s %u %w %x (upper case: the complement), %b(), %f[set], captures and %1…%9.

/** A malformed pattern, with Lua's own words for it. */
export class LuaPatternError extends Error {}

const ESC = 0x25; // %
const MAX_DEPTH = 200; // Lua's MAXCCALLS: "pattern too complex" beyond it
const CAP_UNFINISHED = -1;
const CAP_POSITION = -2;

const code = (char: string) => char.charCodeAt(0);
const between = (c: number, low: string, high: string) => c >= code(low) && c <= code(high);
const isLower = (c: number) => between(c, "a", "z");
const isUpper = (c: number) => between(c, "A", "Z");
const isDigit = (c: number) => between(c, "0", "9");
const isAlpha = (c: number) => isLower(c) || isUpper(c);
const isControl = (c: number) => c < 0x20 || c === 0x7f;
const isGraph = (c: number) => c > 0x20 && c < 0x7f;
const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

function matchClass(c: number, cl: number): boolean {
  let result: boolean;
  switch (String.fromCharCode(cl).toLowerCase()) {
    case "a": result = isAlpha(c); break;
    case "c": result = isControl(c); break;
    case "d": result = isDigit(c); break;
    case "g": result = isGraph(c); break;
    case "l": result = isLower(c); break;
    case "p": result = isGraph(c) && !isAlpha(c) && !isDigit(c); break;
    case "s": result = isSpace(c); break;
    case "u": result = isUpper(c); break;
    case "w": result = isAlpha(c) || isDigit(c); break;
    case "x": result = isDigit(c) || between(c, "a", "f") || between(c, "A", "F"); break;
    default: return cl === c;
  }
  return isUpper(cl) ? !result : result;
}

/** Where the single-character class at pat[p] ends (past a %x or a [set]). */
function classEnd(pat: Uint8Array, p: number): number {
  const c = pat[p++];
  if (c === ESC) {
    if (p >= pat.length) throw new LuaPatternError("malformed pattern (ends with '%')");
    return p + 1;
  }
  if (c === code("[")) {
    if (pat[p] === code("^")) p++;
    do {
      if (p >= pat.length) throw new LuaPatternError("malformed pattern (missing ']')");
      if (pat[p++] === ESC && p < pat.length) p++;
    } while (p >= pat.length || pat[p] !== code("]"));
    return p + 1;
  }
  return p;
}

interface Capture {
  init: number;
  len: number;
}

class Matcher {
  private depth = 0;
  captures: Capture[] = [];

  constructor(private readonly src: Uint8Array, private readonly pat: Uint8Array) {}

  /** p at "[", ec at its "]". */
  private matchBracketClass(c: number, p: number, ec: number): boolean {
    const pat = this.pat;
    let sig = true;
    if (pat[p + 1] === code("^")) {
      sig = false;
      p++;
    }
    while (++p < ec) {
      if (pat[p] === ESC) {
        p++;
        if (matchClass(c, pat[p])) return sig;
      } else if (pat[p + 1] === code("-") && p + 2 < ec) {
        p += 2;
        if (pat[p - 2] <= c && c <= pat[p]) return sig;
      } else if (pat[p] === c) {
        return sig;
      }
    }
    return !sig;
  }

  private singleMatch(s: number, p: number, ep: number): boolean {
    if (s >= this.src.length) return false;
    const c = this.src[s];
    switch (this.pat[p]) {
      case code("."): return true;
      case ESC: return matchClass(c, this.pat[p + 1]);
      case code("["): return this.matchBracketClass(c, p, ep - 1);
      default: return this.pat[p] === c;
    }
  }

  private matchBalance(s: number, p: number): number | undefined {
    if (p + 1 >= this.pat.length) throw new LuaPatternError("malformed pattern (missing arguments to '%b')");
    if (s >= this.src.length || this.src[s] !== this.pat[p]) return undefined;
    const open = this.pat[p];
    const close = this.pat[p + 1];
    let depth = 1;
    while (++s < this.src.length) {
      if (this.src[s] === close) {
        if (--depth === 0) return s + 1;
      } else if (this.src[s] === open) {
        depth++;
      }
    }
    return undefined;
  }

  private maxExpand(s: number, p: number, ep: number): number | undefined {
    let i = 0;
    while (this.singleMatch(s + i, p, ep)) i++;
    for (; i >= 0; i--) {
      const result = this.match(s + i, ep + 1);
      if (result !== undefined) return result;
    }
    return undefined;
  }

  private minExpand(s: number, p: number, ep: number): number | undefined {
    for (;;) {
      const result = this.match(s, ep + 1);
      if (result !== undefined) return result;
      if (!this.singleMatch(s, p, ep)) return undefined;
      s++;
    }
  }

  private startCapture(s: number, p: number, len: number): number | undefined {
    this.captures.push({ init: s, len });
    const result = this.match(s, p);
    if (result === undefined) this.captures.pop();
    return result;
  }

  private endCapture(s: number, p: number): number | undefined {
    let open = -1;
    for (let i = this.captures.length - 1; i >= 0; i--) {
      if (this.captures[i].len === CAP_UNFINISHED) {
        open = i;
        break;
      }
    }
    if (open < 0) throw new LuaPatternError("invalid pattern capture");
    this.captures[open].len = s - this.captures[open].init;
    const result = this.match(s, p);
    if (result === undefined) this.captures[open].len = CAP_UNFINISHED;
    return result;
  }

  private matchCapture(s: number, digit: number): number | undefined {
    const index = digit - code("1");
    const capture = this.captures[index];
    if (index < 0 || !capture || capture.len === CAP_UNFINISHED) throw new LuaPatternError(`invalid capture index %${index + 1}`);
    const len = Math.max(capture.len, 0);
    if (this.src.length - s < len) return undefined;
    for (let i = 0; i < len; i++) if (this.src[capture.init + i] !== this.src[s + i]) return undefined;
    return s + len;
  }

  /** Where a match of pat[p…] starting at src[s] ends, or undefined. */
  match(s: number, p: number): number | undefined {
    if (++this.depth > MAX_DEPTH) throw new LuaPatternError("pattern too complex");
    try {
      const pat = this.pat;
      for (;;) {
        if (p >= pat.length) return s;
        const c = pat[p];
        if (c === code("(")) {
          return pat[p + 1] === code(")") ? this.startCapture(s, p + 2, CAP_POSITION) : this.startCapture(s, p + 1, CAP_UNFINISHED);
        }
        if (c === code(")")) return this.endCapture(s, p + 1);
        if (c === code("$") && p + 1 === pat.length) return s === this.src.length ? s : undefined;
        if (c === ESC && pat[p + 1] === code("b")) {
          const end = this.matchBalance(s, p + 2);
          if (end === undefined) return undefined;
          s = end;
          p += 4;
          continue;
        }
        if (c === ESC && pat[p + 1] === code("f")) {
          p += 2;
          if (pat[p] !== code("[")) throw new LuaPatternError("missing '[' after '%f' in pattern");
          const ep = classEnd(this.pat, p);
          const previous = s === 0 ? 0 : this.src[s - 1];
          const current = s < this.src.length ? this.src[s] : 0;
          if (!this.matchBracketClass(previous, p, ep - 1) && this.matchBracketClass(current, p, ep - 1)) {
            p = ep;
            continue;
          }
          return undefined;
        }
        if (c === ESC && p + 1 < pat.length && isDigit(pat[p + 1])) {
          const end = this.matchCapture(s, pat[p + 1]);
          if (end === undefined) return undefined;
          s = end;
          p += 2;
          continue;
        }
        const ep = classEnd(pat, p);
        const next = pat[ep];
        if (!this.singleMatch(s, p, ep)) {
          if (next === code("*") || next === code("?") || next === code("-")) {
            p = ep + 1;
            continue;
          }
          return undefined;
        }
        switch (next) {
          case code("?"): {
            const result = this.match(s + 1, ep + 1);
            if (result !== undefined) return result;
            p = ep + 1;
            continue;
          }
          case code("+"): return this.maxExpand(s + 1, p, ep);
          case code("*"): return this.maxExpand(s, p, ep);
          case code("-"): return this.minExpand(s, p, ep);
          default:
            s++;
            p = ep;
        }
      }
    } finally {
      this.depth--;
    }
  }
}

const utf8 = new TextEncoder();

/**
 * A Lua pattern as a test, as `text:match(pattern) ~= nil` in Lua. Throws LuaPatternError for a
 * malformed pattern: at once for its shape (a % at the end, a missing ]), where Lua would fail
 * on any text; while testing for what Lua finds only while matching (a ")" without "(").
 */
export function luaPattern(pattern: string): (text: string) => boolean {
  const pat = utf8.encode(pattern);
  const anchored = pat[0] === code("^");
  const body = anchored ? pat.subarray(1) : pat;
  const test = (text: string): boolean => {
    const src = utf8.encode(text);
    for (let start = 0; start <= src.length; start++) {
      const matcher = new Matcher(src, body);
      if (matcher.match(start, 0) !== undefined) {
        if (matcher.captures.some((capture) => capture.len === CAP_UNFINISHED)) throw new LuaPatternError("unfinished capture");
        return true;
      }
      if (anchored) return false;
    }
    return false;
  };
  checkClasses(body);
  return test;
}

/** The errors Lua reports for the pattern's shape: a trailing %, a [ without ], %b without its two characters, %f without [. */
function checkClasses(pat: Uint8Array): void {
  for (let p = 0; p < pat.length; ) {
    if (pat[p] === ESC && pat[p + 1] === code("b")) {
      if (p + 3 >= pat.length) throw new LuaPatternError("malformed pattern (missing arguments to '%b')");
      p += 4;
      continue;
    }
    if (pat[p] === ESC && pat[p + 1] === code("f")) {
      if (pat[p + 2] !== code("[")) throw new LuaPatternError("missing '[' after '%f' in pattern");
      p += 2;
    }
    p = classEnd(pat, p);
  }
}
