/**
 * Dependencies (issue 6): no runtime dependency does what Node itself does. Every runtime
 * dependency must be listed here with the reason Node's built-ins do not do its job (a new one
 * fails this test until it is justified), none may be a known stand-in for a built-in, and the
 * built-in-named packages that arrive transitively (the "events" polyfill under @xmpp/events) are
 * never what runs: Node resolves the built-in, and the bundle bin/xmgr runs holds no copy.
 * `npm audit --omit=dev` is in SECURITY.md (it needs the registry's advisory service, which a test
 * cannot count on).
 */
import { describe, expect, test } from "@jest/globals";
import { builtinModules, createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../support/xmgr.js";

const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { dependencies?: Record<string, string> };

/** Each runtime dependency and what Node 20 lacks that it provides. */
const JUSTIFIED: Record<string, string> = {
  "@xmpp/client": "XMPP: streams, SASL/SASL2, FAST, resource binding (Node has no XMPP)",
  commander: "subcommands, per-command help and options (util.parseArgs parses flags only)",
  chalk: "colour levels and NO_COLOR/TTY detection per stream (util.styleText is from Node 20.12 and has no per-stream level)",
  "cli-table3": "tables with column widths of wide characters (Node has none)",
  "string-width": "the width of a string in terminal columns (wide and combining characters): Node's own is internal (already under cli-table3)",
  undici: "a per-request CA, a connect-to address with the URL's SNI and Host, no redirects: fetch()'s dispatcher is undici's own Agent, which Node does not export",
};

/** Packages that only redo what Node 20 has built in (the name, then the built-in). */
const DUPLICATES: Record<string, string> = {
  "node-fetch": "fetch", "cross-fetch": "fetch", "isomorphic-fetch": "fetch", axios: "fetch", got: "fetch", request: "fetch", superagent: "fetch",
  "abort-controller": "AbortController", "node-abort-controller": "AbortController", "form-data": "FormData", "web-streams-polyfill": "stream/web",
  uuid: "crypto.randomUUID", "crypto-js": "node:crypto", "sha.js": "node:crypto", "create-hash": "node:crypto", pbkdf2: "crypto.pbkdf2",
  randombytes: "crypto.randomBytes", "base-64": "Buffer/atob", btoa: "btoa", atob: "atob", "safe-buffer": "Buffer", "buffer-from": "Buffer.from",
  mkdirp: "fs.mkdir recursive", rimraf: "fs.rm recursive", "fs-extra": "node:fs", "graceful-fs": "node:fs", "make-dir": "fs.mkdir recursive",
  dotenv: "--env-file / process.loadEnvFile", minimist: "util.parseArgs", "strip-ansi": "util.stripVTControlCharacters", "ansi-regex": "util.stripVTControlCharacters",
  "string.prototype.replaceall": "String.prototype.replaceAll", "object.hasown": "Object.hasOwn", "array.prototype.flat": "Array.prototype.flat",
  "es6-promise": "Promise", "core-js": "the language itself", tmp: "fs.mkdtemp", "os-tmpdir": "os.tmpdir", "is-wsl": "-", "querystring-es3": "URLSearchParams",
  ...Object.fromEntries(builtinModules.filter((name) => !name.startsWith("_")).map((name) => [name, `node:${name}`])),
};

describe("runtime dependencies", () => {
  test("each one is justified: it does what Node's built-ins do not", () => {
    const unjustified = Object.keys(pkg.dependencies ?? {}).filter((name) => !(name in JUSTIFIED));
    expect(unjustified).toEqual([]);
  });

  test("none of them is a stand-in for a Node built-in", () => {
    const duplicates = Object.keys(pkg.dependencies ?? {}).filter((name) => name in DUPLICATES);
    expect(duplicates).toEqual([]);
  });

  test("built-in-named packages that come transitively are never what runs: Node resolves the built-in, the bundle holds no copy", () => {
    const installed = readdirSync(join(repoRoot, "node_modules")).filter((name) => builtinModules.includes(name));
    const fromXmpp = createRequire(join(repoRoot, "node_modules", "@xmpp", "events", "index.js"));
    for (const name of installed) expect(fromXmpp.resolve(name)).toBe(name); // a bare name: the built-in, not node_modules/<name>
    const bundle = readdirSync(join(repoRoot, "bundle")).map((file) => readFileSync(join(repoRoot, "bundle", file), "utf8")).join("\n");
    expect(bundle).not.toContain("EventEmitter.init"); // the npm "events" polyfill's constructor
    expect(bundle).toMatch(/from "events"|require\("events"\)/); // @xmpp's import stays a Node import
  });
});
