// Bundles dist/ into bundle/, the code bin/xmgr runs, as CommonJS so that src/start.ts can load it
// with a V8 code cache (Node's ES module loader offers none on Node 20 and costs more per file):
//   bundle/xmgr.cjs    the small entry (dist/main.js): a kept session's client (src/keep/)
//   bundle/start.cjs   the loader (dist/start.js), which the entry requires when no kept session answers
//   bundle/cli.cjs     the program; each command's code runs only when that command does
//   bundle/undici.cjs  the part of undici (the HTTP client) xmgr uses, which only muc kick loads
//   bundle/THIRD-PARTY-NOTICES.txt  name, version, licence and licence text of every npm package
//                      the bundles hold: they are shipped inside them, not installed beside them
// Each bundle starts with a line naming its content hash, which keys its code cache. cli.cjs and
// undici.cjs are written as the function src/start.ts calls, wrapped as Node wraps a CommonJS
// module: V8 then compiles the file's text as it is, not a copy joined to a wrapper.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";
import { thirdPartyNotices } from "./bundle-notices.mjs";

// dist/version.js reads package.json at run time; in the bundle the version is written in.
const { version } = JSON.parse(readFileSync("package.json", "utf8"));
const versionInline = {
  name: "version-inline",
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]version\.js$/ }, () => ({ contents: `export const VERSION = ${JSON.stringify(version)};` }));
  },
};

// cli-table3 measures its cells with string-width, which compiles a large emoji regexp at its first
// use; it gets dist/output/text-width.js instead, the same widths with a fast path for ASCII.
const cliTable3Width = {
  name: "cli-table3-width",
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, (args) =>
      /[\\/]node_modules[\\/]cli-table3[\\/]/.test(args.importer) ? { path: "text-width", namespace: "cli-table3-width" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "cli-table3-width" }, () => ({
      contents: 'module.exports = require("./dist/output/text-width.js").default;',
      resolveDir: process.cwd(),
    }));
  },
};

// commander requires node:child_process (~2 ms of every start) for executable subcommands, which
// xmgr has none of: it is required at the first spawn instead.
const commanderLazySpawn = {
  name: "commander-lazy-spawn",
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager)) throw new Error(`commander-lazy-spawn: "${eager}" not found in ${args.path}`);
      return { contents: source.replace(eager, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"), loader: "js" };
    });
  },
};

// The entry requires the loader as a file of its own: a run that a kept session answers neither
// reads nor compiles it (8 KB, about 0.2 ms of CPU).
const startApart = {
  name: "start-apart",
  setup(build) {
    build.onResolve({ filter: /^\.\/start\.cjs$/ }, () => ({ path: "./start.cjs", external: true }));
  },
};

// Whitespace and syntax minified (not names): less to read and to compile lazily at every start.
const common = { bundle: true, format: "cjs", platform: "node", target: "node20", write: false, metafile: true, logLevel: "warning", minifyWhitespace: true, minifySyntax: true };
const bundles = {
  "xmgr.cjs": { entryPoints: ["dist/main.js"], plugins: [startApart] },
  "start.cjs": { entryPoints: ["dist/start.js"] },
  "cli.cjs": {
    entryPoints: ["dist/cli.js"],
    external: ["undici"],
    plugins: [versionInline, cliTable3Width, commanderLazySpawn],
    wrapped: true,
  },
  "undici.cjs": { entryPoints: ["scripts/bundle-entries/undici.cjs"], wrapped: true },
};

rmSync("bundle", { recursive: true, force: true });
mkdirSync("bundle");
const inputs = [];
for (const [name, { wrapped, ...options }] of Object.entries(bundles)) {
  const { outputFiles, metafile } = await build({ ...common, ...options });
  inputs.push(...Object.keys(metafile.inputs));
  const built = outputFiles[0].text;
  // esbuild escapes non-ASCII characters in code but leaves them in comments: escaped there too, the
  // text stays ASCII, which V8 keeps one byte a character (as UTF-16 it would take twice the memory).
  const ascii = built.replace(/[^\0-\x7f]/gu, (char) => `\\u{${char.codePointAt(0).toString(16)}}`);
  const code = wrapped ? `(function (exports, require, module, __filename, __dirname) {\n${ascii}\n});\n` : ascii;
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  writeFileSync(`bundle/${name}`, `// xmgr build ${hash}\n${code}`);
}
writeFileSync("bundle/THIRD-PARTY-NOTICES.txt", thirdPartyNotices(inputs));
