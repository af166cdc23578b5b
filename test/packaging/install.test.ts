/**
 * The three ways to install xmgr as a user does, each into its own temporary npm prefix, on the
 * Node that runs the tests (CI runs this file on Node 20, 22 and 24): `npm install -g` of a fresh
 * copy of the repository (tracked and new files, no node_modules, no build), `npm pack` of it and
 * `npm install -g` of the tarball (offline: the package has no dependencies to fetch), and
 * `npm link` in the clone. Each must give a working `xmgr --version`, `xmgr --help` and
 * `man -w xmgr` with MANPATH at the prefix.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { childPath, repoRoot } from "../support/xmgr.js";

const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
let work: string;
let clone: string;

/** npm run by the Node that runs the tests (first in PATH), in `cwd`. */
function npm(args: string[], cwd: string, env: Record<string, string> = {}): string {
  const run = spawnSync("npm", [...args, "--no-audit", "--no-fund"], { cwd, encoding: "utf8", env: { ...process.env, PATH: childPath, ...env }, timeout: 240_000 });
  if (run.status !== 0) throw new Error(`npm ${args.join(" ")} failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

interface Installed {
  version: string;
  help: string;
  manPage: string;
}

/** What a user gets from the xmgr on PATH and `man -w xmgr` once `prefix` is installed. */
function useInstalled(prefix: string): Installed {
  const env = { PATH: `${join(prefix, "bin")}:${childPath}`, HOME: join(prefix, "home"), MANPATH: join(prefix, "share", "man"), LANG: "C.UTF-8" };
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8", env }).trim();
  return { version: run("xmgr", ["--version"]), help: run("xmgr", ["--help"]), manPage: realpathSync(run("man", ["-w", "xmgr"])) };
}

function expectWorking(installed: Installed, packageDir: string): void {
  expect(installed.version).toBe(version);
  expect(installed.help).toMatch(/^Usage: xmgr /);
  expect(installed.manPage).toBe(realpathSync(join(packageDir, "man", "xmgr.1")));
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "xmgr-packaging-"));
  clone = join(work, "clone");
  // A fresh clone: the repository's files, tracked or new, and nothing git ignores (no node_modules, bundle, dist).
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: repoRoot, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(repoRoot, file))) continue; // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(clone, file));
  }
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("installing xmgr globally", () => {
  test("npm install -g of a fresh clone builds it (prepare) and gives a working xmgr and man page", () => {
    expect(existsSync(join(clone, "bundle"))).toBe(false);
    const prefix = join(work, "from-repository");
    npm(["install", "-g", "--prefix", prefix, clone], work);
    expect(realpathSync(join(prefix, "lib", "node_modules", "xmgr"))).toBe(realpathSync(clone)); // npm links a folder
    expectWorking(useInstalled(prefix), clone);
  }, 300_000);

  test("npm pack builds the bundle into the tarball; installing it pulls no package and gives a working xmgr and man page", () => {
    rmSync(join(clone, "bundle"), { recursive: true, force: true });
    rmSync(join(clone, "dist"), { recursive: true, force: true });
    const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", work], clone)) as { filename: string; files: { path: string }[] }[];
    const contents = packed[0].files.map((file) => file.path).sort();
    expect(contents).toEqual(expect.arrayContaining(["bin/xmgr", "bundle/xmgr.cjs", "bundle/cli.cjs", "bundle/undici.cjs", "bundle/THIRD-PARTY-NOTICES.txt", "man/xmgr.1"]));
    expect(contents.filter((path) => /^(src|test|dist|scripts|node_modules)\//.test(path))).toEqual([]);

    const prefix = join(work, "from-tarball");
    npm(["install", "-g", "--offline", "--prefix", prefix, join(work, packed[0].filename)], work);
    const installedDir = join(prefix, "lib", "node_modules", "xmgr");
    const manifest = JSON.parse(readFileSync(join(installedDir, "package.json"), "utf8")) as { dependencies?: object };
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(existsSync(join(installedDir, "node_modules"))).toBe(false);
    expect(readdirSync(join(prefix, "lib", "node_modules"))).toEqual(["xmgr"]);
    expectWorking(useInstalled(prefix), installedDir);
  }, 300_000);

  test("npm link in the clone gives a working xmgr and man page", () => {
    const prefix = join(work, "linked");
    npm(["link"], clone, { npm_config_prefix: prefix });
    expectWorking(useInstalled(prefix), clone);
  }, 300_000);
});
