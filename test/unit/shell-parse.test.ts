/**
 * xmgr shell: splitting lines into statements and words (shell quoting), prosodyctl's call form,
 * and resolving words to a command with its arguments checked.
 */
import { describe, expect, test } from "@jest/globals";
import { partialWords, shellWords, splitStatements } from "../../src/shell/split.js";
import { isCallForm, parseCallForm } from "../../src/shell/call-form.js";
import { helpText, resolveCommand } from "../../src/shell/commands.js";
import { XmgrError } from "../../src/errors.js";

function usageFailure(work: () => unknown): XmgrError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(XmgrError);
    expect((error as XmgrError).exitCode).toBe(2);
    return error as XmgrError;
  }
  throw new Error("expected a usage error");
}

describe("splitStatements", () => {
  test("splits at ; outside quotes, skips comments and blank statements", () => {
    expect(splitStatements("user clients a@b; user clients c@d")).toEqual(["user clients a@b", "user clients c@d"]);
    expect(splitStatements("  # a comment")).toEqual([]);
    expect(splitStatements("")).toEqual([]);
    expect(splitStatements(" ;; ; ")).toEqual([]);
    expect(splitStatements("muc kick r@c Bob 'a; b' # why")).toEqual(["muc kick r@c Bob 'a; b'"]);
    expect(splitStatements('muc kick r@c Bob "it\\"s; fine"; help')).toEqual(['muc kick r@c Bob "it\\"s; fine"', "help"]);
    expect(splitStatements("muc kick r@c Bob a\\;b")).toEqual(["muc kick r@c Bob a\\;b"]);
  });

  test("# inside a word is not a comment", () => {
    expect(splitStatements("muc kick r@c Bob#1")).toEqual(["muc kick r@c Bob#1"]);
  });

  test("call form statements follow Lua's quoting and -- comments", () => {
    expect(splitStatements(`user:clients("a;b@c"); user:revoke_client('a@b', 'it\\'s;x') -- done`)).toEqual([
      `user:clients("a;b@c")`,
      `user:revoke_client('a@b', 'it\\'s;x')`,
    ]);
    expect(splitStatements("user:clients([[a;b]]);help")).toEqual(["user:clients([[a;b]])", "help"]);
  });
});

describe("shellWords", () => {
  test("splits as a POSIX shell does", () => {
    expect(shellWords("muc kick room@chat Bob 'Spamming the room'")).toEqual(["muc", "kick", "room@chat", "Bob", "Spamming the room"]);
    expect(shellWords('muc kick room@chat "Bob B" "say \\"hi\\" \\\\ \\n"')).toEqual(["muc", "kick", "room@chat", "Bob B", 'say "hi" \\ \\n']);
    expect(shellWords("a\\ b c''d \"\"")).toEqual(["a b", "cd", ""]);
    expect(shellWords("  user\tclients   a@b  ")).toEqual(["user", "clients", "a@b"]);
  });

  test("an unterminated quote is a usage error", () => {
    expect(usageFailure(() => shellWords("muc kick r@c Bob 'oops")).message).toMatch(/Unterminated single quote/);
    expect(usageFailure(() => shellWords('muc kick r@c "Bob')).message).toMatch(/Unterminated double quote/);
  });

  test("partialWords gives the word being typed", () => {
    expect(partialWords("user cl")).toEqual({ words: ["user"], current: "cl", currentRaw: "cl" });
    expect(partialWords("user ")).toEqual({ words: ["user"], current: "", currentRaw: "" });
    expect(partialWords("")).toEqual({ words: [], current: "", currentRaw: "" });
    expect(partialWords("muc kick r@c 'Bo")).toEqual({ words: ["muc", "kick", "r@c"], current: "Bo", currentRaw: "'Bo" });
  });
});

describe("call form", () => {
  test("recognises section:command(…)", () => {
    expect(isCallForm('user:clients("a@b")')).toBe(true);
    expect(isCallForm("user:clients 'a@b'")).toBe(true);
    expect(isCallForm("user:clients")).toBe(true);
    expect(isCallForm("user clients a@b")).toBe(false);
    expect(isCallForm("alice@example.com:5222")).toBe(false);
  });

  test("gives the same words as the shell form", () => {
    expect(parseCallForm('user:clients("alice@example.com")')).toEqual(["user", "clients", "alice@example.com"]);
    expect(parseCallForm(`user:revoke_client( "alice@example.com" , 'grant/x' )`)).toEqual(["user", "revoke_client", "alice@example.com", "grant/x"]);
    expect(parseCallForm(`muc:kick("r@c", "Bob", "two words")`)).toEqual(["muc", "kick", "r@c", "Bob", "two words"]);
    expect(parseCallForm('user:clients "alice@example.com"')).toEqual(["user", "clients", "alice@example.com"]);
    expect(parseCallForm("help:x()")).toEqual(["help", "x"]);
  });

  test("decodes Lua string escapes", () => {
    expect(parseCallForm(String.raw`muc:kick("r@c", "B\"ob", 'it\'s \65\x42\u{e9} \\ done')`)).toEqual(["muc", "kick", "r@c", 'B"ob', "it's AB\u00e9 \\ done"]);
    expect(parseCallForm(String.raw`muc:kick("r@c", "\195\169")`)).toEqual(["muc", "kick", "r@c", "\u00e9"]);
    expect(parseCallForm("muc:kick([[r@c]], [==[a]]b]==])")).toEqual(["muc", "kick", "r@c", "a]]b"]);
  });

  test("refuses what is not a string literal, with an example", () => {
    const error = usageFailure(() => parseCallForm("user:clients(alice)"));
    expect(error.message).toMatch(/quoted string/);
    expect(error.hint).toContain('user:clients("…")');
    expect(usageFailure(() => parseCallForm('user:clients("a@b"')).message).toMatch(/Expected "," or "\)"/);
    expect(usageFailure(() => parseCallForm('user:clients("a@b)')).message).toMatch(/Unterminated string/);
    expect(usageFailure(() => parseCallForm('user:clients("a@b") x')).message).toMatch(/Unexpected text/);
    expect(usageFailure(() => parseCallForm(String.raw`user:clients("\q")`)).message).toMatch(/Invalid escape/);
  });
});

describe("resolveCommand", () => {
  test("finds commands and aliases and checks the number of arguments", () => {
    expect(resolveCommand(["user", "clients", "a@b"])).toMatchObject({ command: { name: "clients" }, words: ["a@b"], args: { jid: "a@b" } });
    expect(resolveCommand(["user", "revoke-client", "a@b", "grant/x"])).toMatchObject({ command: { name: "revoke_client" }, args: { jid: "a@b", selector: "grant/x" } });
    expect(resolveCommand(["muc", "kick", "r@c", "Bob"])).toMatchObject({ args: { room: "r@c", nick: "Bob", reason: undefined } });
    expect(usageFailure(() => resolveCommand(["user", "clients"])).message).toBe("user clients takes 1 argument, not 0.");
    const tooMany = usageFailure(() => resolveCommand(["muc", "kick", "r@c", "Bob", "spamming", "again"]));
    expect(tooMany.message).toMatch(/takes 2 to 3 arguments, not 4\. Quote an argument that holds spaces\./);
    expect(tooMany.hint).toBe("Usage: muc kick [--via xmpp|http] [--nick NICK] [--url URL] [--http-server HOST[:PORT]] [--auth-file FILE] [--allow-plain-http] ROOM NICK [REASON]");
  });

  test("unknown sections and commands name what exists", () => {
    const section = usageFailure(() => resolveCommand(["usr", "clients"]));
    expect(section.message).toBe("Unknown command: usr. Did you mean user?");
    expect(section.hint).toMatch(/Sections: user, .*\bmuc\b/);
    const command = usageFailure(() => resolveCommand(["user", "nope"]));
    expect(command.message).toBe("Unknown command: user nope.");
    expect(command.hint).toMatch(/clients, revoke_client/);
    expect(usageFailure(() => resolveCommand(["user"])).message).toBe("user: which command?");
  });

  test("a near miss says what was meant; a word near nothing, or near two, does not guess", () => {
    expect(usageFailure(() => resolveCommand(["usr", "clients"])).message).toBe("Unknown command: usr. Did you mean user?");
    expect(usageFailure(() => resolveCommand(["user", "lsit"])).message).toBe("Unknown command: user lsit. Did you mean user list?");
    expect(usageFailure(() => resolveCommand(["user", "craete", "x@y"])).message).toBe("Unknown command: user craete. Did you mean user create?");
    expect(usageFailure(() => resolveCommand(["annonce", "hi"])).message).toBe("Unknown command: annonce. Did you mean announce?");
    expect(usageFailure(() => resolveCommand(["frobnicate"])).message).toBe("Unknown command: frobnicate.");
    expect(usageFailure(() => resolveCommand(["user", "zzzz"])).message).toBe("Unknown command: user zzzz.");
  });

  test("--json after any command asks for that command's output as JSON, and is not an argument", () => {
    expect(resolveCommand(["user", "info", "a@b", "--json"])).toMatchObject({ words: ["a@b"], json: true, options: {} });
    expect(resolveCommand(["user", "info", "a@b"])).toMatchObject({ json: false });
  });

  test("muc kick takes its options in the line; -- ends them", () => {
    expect(resolveCommand(["muc", "kick", "--url", "https://x/", "r@c", "Bob", "--allow-plain-http"])).toMatchObject({
      words: ["r@c", "Bob"],
      options: { url: "https://x/", allowPlainHttp: true },
    });
    expect(resolveCommand(["muc", "kick", "--auth-file=/f", "r@c", "--", "--Bob--"])).toMatchObject({ args: { room: "r@c", nick: "--Bob--" }, options: { authFile: "/f" } });
    expect(usageFailure(() => resolveCommand(["muc", "kick", "--nope", "r@c", "Bob"])).message).toBe("Unknown option --nope for muc kick.");
    expect(usageFailure(() => resolveCommand(["muc", "kick", "r@c", "Bob", "--url"])).message).toBe("--url needs a value.");
    expect(resolveCommand(["user", "clients", "--json", "a@b"])).toMatchObject({ json: true, words: ["a@b"] });
  });

  test("help lists every command, per section, and one command's usage", () => {
    const all = helpText();
    for (const line of ["user clients JID", "user revoke_client JID SELECTOR", "muc kick ROOM NICK [REASON]", "quit, exit"]) expect(all).toContain(line);
    expect(all).toContain('user:clients("alice@example.com")');
    expect(helpText(["muc"])).not.toContain("user clients");
    expect(helpText(["muc", "kick"])).toMatch(/^muc kick \[--via xmpp\|http\] \[--nick NICK\] \[--url URL\]/);
    expect(usageFailure(() => helpText(["nope"])).message).toBe("No help for nope.");
  });
});
