/**
 * The interactive shell's helpers: tab completion (sections, commands, call form, JIDs seen) and
 * the history file (per profile, 0600 in a 0700 folder, bounded, ignorespace).
 */
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shellCompleter } from "../../src/shell/completer.js";
import { History } from "../../src/shell/history.js";

describe("shellCompleter", () => {
  const complete = shellCompleter(() => ["alice@example.test", "room@chat.example.test", "bob@example.test"]);

  test("sections and built-ins at the start of a line", () => {
    const [all, typed] = complete("");
    expect(typed).toBe("");
    expect(all).toEqual(expect.arrayContaining(["adhoc", "exit", "help", "muc", "quit", "user"]));
    expect(all).toEqual([...all].sort());
    expect(complete("u")).toEqual([["user "], "u"]);
    expect(complete("  mu")).toEqual([["muc "], "mu"]);
  });

  test("a section's commands", () => {
    expect(complete("user ")[0]).toEqual(expect.arrayContaining(["clients", "revoke_client"]));
    expect(complete("user ")[0]).not.toContain("kick");
    expect(complete("user rev")).toEqual([["revoke_client "], "rev"]);
    expect(complete("muc k")).toEqual([["kick "], "k"]);
    expect(complete("help ")[0]).toEqual(expect.arrayContaining(["adhoc", "muc", "user"]));
    expect(complete("help user cl")).toEqual([["clients "], "cl"]);
  });

  test("JIDs seen where a command takes a JID, nowhere else", () => {
    expect(complete("user clients ")).toEqual([["alice@example.test", "bob@example.test", "room@chat.example.test"], ""]);
    expect(complete("user clients al")).toEqual([["alice@example.test "], "al"]);
    expect(complete("user revoke_client b")).toEqual([["bob@example.test "], "b"]);
    expect(complete("user revoke_client bob@example.test ")).toEqual([[], ""]);
    expect(complete("muc kick ro")).toEqual([["room@chat.example.test "], "ro"]);
    expect(complete("muc kick --url https://x/ ro")).toEqual([["room@chat.example.test "], "ro"]);
    expect(complete("muc kick --a")).toEqual([["--allow-plain-http", "--auth-file"], "--a"]);
  });

  test("the call form", () => {
    expect(complete("user:cl")).toEqual([["user:clients("], "user:cl"]);
    expect(complete("user:")[0]).toEqual(expect.arrayContaining(["user:clients(", "user:revoke_client("]));
  });

  test("leaves quoted words alone", () => {
    expect(complete("user clients 'al")).toEqual([[], "'al"]);
  });
});

describe("History", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "xmgr-history-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("keeps lines across instances, newest first, in a private file", () => {
    const path = join(dir, "state", "xmgr", "default", "history");
    const first = new History(path);
    expect(first.entries).toEqual([]);
    first.add("user clients alice@example.test");
    first.add("user clients alice@example.test"); // same as the last: kept once
    first.add("help");
    first.add("   "); // blank
    first.add(" user clients secret@example.test"); // starts with a blank: not kept
    expect(first.entries).toEqual(["help", "user clients alice@example.test"]);
    expect(new History(path).entries).toEqual(["help", "user clients alice@example.test"]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "state", "xmgr", "default")).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "state", "xmgr")).mode & 0o777).toBe(0o700);
  });

  test("a history file others can read is made private; a long one is cut to its last lines", () => {
    const path = join(dir, "history");
    writeFileSync(path, Array.from({ length: 25 }, (_, index) => `help ${index}`).join("\n") + "\n");
    chmodSync(path, 0o644);
    const history = new History(path, 10);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(history.entries).toHaveLength(10);
    expect(history.entries[0]).toBe("help 24");
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(10);
    history.add("help again");
    expect(history.entries).toHaveLength(10);
    expect(history.entries[0]).toBe("help again");
  });
});

describe("ShellOutput", () => {
  test("JSON Lines: one line per document, characters a terminal may act on escaped, the same value", async () => {
    const { ShellOutput, BufferSink } = await import("../../src/shell/output.js");
    const written: string[] = [];
    const sink = new BufferSink();
    const output = new ShellOutput({ json: true, verbose: false }, sink);
    const value = { account: "a@b", nested: { text: "line\nbreak \u001b[31m \u009b \u202e end" } };
    output.jsonData(value);
    sink.replayTo({ write: (_stream, text) => written.push(text) });
    expect(written).toHaveLength(1);
    expect(written[0].endsWith("\n")).toBe(true);
    expect(written[0].trimEnd()).not.toMatch(/[\n\u001b\u009b\u202e]/);
    expect(written[0]).toContain("\\u009b");
    expect(JSON.parse(written[0])).toEqual(value);
  });
});
