// user list PATTERN: a Lua pattern on the account's name (the part before @), as
// `prosodyctl shell user:list(host, pattern)` applies it; a malformed one is a usage error.
import { usageError } from "../../errors.js";
import { LuaPatternError, luaPattern } from "../../protocol/lua-pattern.js";

export const HINT = "PATTERN is a Lua pattern, as in prosodyctl shell: ^a (starting with a), o.$ (o and one more at the end), [bc], %a+y; write %. %- %* for the characters . - * themselves.";

const refused = (pattern: string, error: unknown) =>
  error instanceof LuaPatternError ? usageError(`Invalid PATTERN ${JSON.stringify(pattern)}: ${error.message}.`, HINT) : error;

/** The test a name must pass; throws a usage error for a malformed pattern, before or while testing. */
export function namePattern(pattern: string): (name: string) => boolean {
  let test: (name: string) => boolean;
  try {
    test = luaPattern(pattern);
  } catch (error) {
    throw refused(pattern, error);
  }
  return (name) => {
    try {
      return test(name);
    } catch (error) {
      throw refused(pattern, error);
    }
  };
}
