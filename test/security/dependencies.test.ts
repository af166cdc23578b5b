/**
 * Dependencies (issue 6): no runtime dependency does what Node itself does. The runtime
 * dependencies are the packages the bundle holds (they are devDependencies: the package installs
 * none, issue 12), as bundle/THIRD-PARTY-NOTICES.txt lists them. Every one that package.json names
 * must be listed here with the reason Node's built-ins do not do its job (a new one
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

const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
/** "  name version (licence)" lines at the head of the notices file the build writes. */
const bundled = new Set(
  [...readFileSync(join(repoRoot, "bundle", "THIRD-PARTY-NOTICES.txt"), "utf8").split("\n\n")[1].matchAll(/^ {2}(\S+) \S+ \(/gm)].map((match) => match[1]),
);
/** A devDependency that the bundle holds, or whose own dependencies it holds (@xmpp/client, for its @xmpp/* parts). */
function inBundle(name: string): boolean {
  if (bundled.has(name)) return true;
  const manifest = JSON.parse(readFileSync(join(repoRoot, "node_modules", name, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  return Object.keys(manifest.dependencies ?? {}).some((dependency) => bundled.has(dependency));
}
/** What package.json asks for that runs: its dependencies (none: the bundle holds them) and the devDependencies in the bundle. */
const runtime = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {}).filter(inBundle)];

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
  test("the package installs none: the bundle holds them", () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(runtime.sort()).toEqual(["@xmpp/client", "chalk", "cli-table3", "commander", "string-width", "undici"]);
  });

  test("each one is justified: it does what Node's built-ins do not", () => {
    const unjustified = runtime.filter((name) => !(name in JUSTIFIED));
    expect(unjustified).toEqual([]);
  });

  test("none of them is a stand-in for a Node built-in", () => {
    const duplicates = runtime.filter((name) => name in DUPLICATES);
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
