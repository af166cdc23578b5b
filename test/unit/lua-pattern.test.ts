// Lua patterns as prosodyctl shell's user:list applies them: each expectation below is what
// Lua 5.4's string.match said for the same pattern and names (lua5.4, `name:match(pattern)`).
import { LuaPatternError, luaPattern } from "../../src/protocol/lua-pattern.js";

const NAMES = ["alice", "bob", "carol", "admin", "dave", "ruth", "sam", "al", "lol", "x-1", "a.b", "emmy", "abba", "((x))", "straße"];

describe("luaPattern matches as Lua's string.match", () => {
  test.each([
    [String.raw`^a`, "100100010010100"],
    [String.raw`o.$`, "011000001000000"],
    [String.raw`[bc]`, "111000000010100"],
    [String.raw`%a+y`, "000000000001000"],
    [String.raw`al*`, "101110110010101"],
    [String.raw`a`, "101110110010101"],
    [String.raw`^$`, "000000000000000"],
    [String.raw`l-o`, "011000001000000"],
    [String.raw`^a.-e$`, "100000000000000"],
    [String.raw`[^a-c]`, "111111111111011"],
    [String.raw`%d`, "000000000100000"],
    [String.raw`%W`, "000000000110011"],
    [String.raw`%.`, "000000000010000"],
    [String.raw`x%-`, "000000000100000"],
    [String.raw`(a)b`, "000000000000100"],
    [String.raw`(b)%1`, "000000000000100"],
    [String.raw`%bxy`, "000000000000000"],
    [String.raw`%b()`, "000000000000010"],
    [String.raw`%f[%w]b`, "010000000010000"],
    [String.raw`[a-c]+$`, "010000000010100"],
    [String.raw`^%l+$`, "111111111001100"],
    [String.raw`e?$`, "111111111111111"],
    [String.raw`[%a%-]`, "111111111111111"],
    [String.raw`]`, "000000000000000"],
    [String.raw`[]]`, "000000000000000"],
    [String.raw`[^]]`, "111111111111111"],
    [String.raw`ß`, "000000000000001"],
    [String.raw`^..$`, "000000010000000"],
    [String.raw`m+y$`, "000000000001000"],
    [String.raw`(.)%1`, "000000000001110"],
  ])("%s", (pattern, expected) => {
    const test = luaPattern(pattern);
    expect(NAMES.map((name) => (test(name) ? "1" : "0")).join("")).toBe(expected);
  });
});

describe("malformed patterns fail with Lua's words", () => {
  test.each([
    ["%", "malformed pattern (ends with '%')"],
    ["[a", "malformed pattern (missing ']')"],
    ["%b", "malformed pattern (missing arguments to '%b')"],
    ["%fa", "missing '[' after '%f' in pattern"],
  ])("%s is refused before any name is tested", (pattern, message) => {
    expect(() => luaPattern(pattern)).toThrow(new LuaPatternError(message));
  });

  test.each([
    ["a)", "invalid pattern capture"],
    ["(a", "unfinished capture"],
    ["%1", "invalid capture index %1"],
  ])("%s fails on a name it reaches, as in Lua", (pattern, message) => {
    expect(() => luaPattern(pattern)("alice")).toThrow(new LuaPatternError(message));
  });

  test("a pattern too deep for Lua's matcher is refused, not a stack overflow", () => {
    expect(() => luaPattern("a?".repeat(300))("a".repeat(300))).toThrow(LuaPatternError);
  });
});
