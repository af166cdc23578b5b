// package.json's "prepare": npm runs it after `npm ci` / `npm install` in the repository, before
// `npm pack`, and in the clone that `npm install -g .` or `npm link` links. It builds bundle/, what
// bin/xmgr runs. A clone whose packages are not installed yet (`npm install -g .` right after
// `git clone`: npm links the folder and installs none of its devDependencies) gets them first,
// with `npm ci`, since the build needs TypeScript and esbuild.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

function npm(args) {
  // The folder's own install, not the global one npm is doing around this script.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_(global|prefix|location)$/i.test(name)));
  const npmCli = process.env.npm_execpath;
  const run = npmCli ? spawnSync(process.execPath, [npmCli, ...args], { stdio: "inherit", env }) : spawnSync("npm", args, { stdio: "inherit", env });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

if (!existsSync(join(root, "node_modules", "typescript")) || !existsSync(join(root, "node_modules", "esbuild"))) {
  console.error("xmgr: installing the packages the build needs (npm ci) in " + root);
  npm(["ci", "--ignore-scripts", "--no-audit", "--no-fund"]);
}
npm(["run", "build"]);
