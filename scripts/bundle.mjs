// Bundles dist/ into bundle/, the code bin/xmgr runs: fewer files to load makes every command
// start faster. Commands stay in chunks of their own, so --help never loads the XMPP or HTTP code.
import { build } from "esbuild";

await build({
  entryPoints: ["dist/cli.js"],
  outdir: "bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  // Some dependencies are CommonJS and call require() for Node's own modules.
  banner: { js: 'import { createRequire as __xmgrCreateRequire } from "node:module"; const require = __xmgrCreateRequire(import.meta.url);' },
});
