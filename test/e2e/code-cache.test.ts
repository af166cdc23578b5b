// The code cache of src/start.ts, through the built bin/xmgr: where it goes, with what modes, when
// it is written and when it is left alone, and that a cache xmgr cannot trust is never used.
import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { closeServer, listenOnLoopback } from "../support/loopback.js";
import { repoRoot, runXmgr } from "../support/xmgr.js";

const version: string = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version;
let home: string;
let env: Record<string, string>;
const cacheDir = () => join(home, "cache", "xmgr");

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "xmgr-cache-"));
  env = { HOME: home, XDG_CACHE_HOME: join(home, "cache"), LANG: "C.UTF-8" };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function cacheFiles(): string[] {
  return readdirSync(cacheDir());
}

function onlyCacheFile(): string {
  const files = cacheFiles();
  expect(files).toHaveLength(1);
  return join(cacheDir(), files[0]);
}

const commandsIn = (file: string) => readFileSync(file).subarray(0, readFileSync(file).indexOf(10)).toString("latin1").split(",");

describe("code cache", () => {
  test("a first run leaves one cache file, 0600 in a 0700 folder, named after the bundle build, Node version and CPU", async () => {
    const result = await runXmgr(["--version"], env);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(cacheFiles()).toEqual([expect.stringMatching(new RegExp(`^cli-[0-9a-f]{16}-node${process.version.replaceAll(".", "\\.")}-${process.arch}\\.v8$`))]);
    expect(statSync(cacheDir()).mode & 0o777).toBe(0o700);
    expect(statSync(onlyCacheFile()).mode & 0o777).toBe(0o600);
  });

  test("a run of a command the cache already holds leaves it untouched; another command adds its code", async () => {
    await runXmgr(["--version"], env);
    const file = onlyCacheFile();
    const first = readFileSync(file);
    const { ino, mtimeMs } = statSync(file);
    expect((await runXmgr(["--version"], env)).code).toBe(0);
    expect(statSync(file)).toMatchObject({ ino, mtimeMs });
    expect(readFileSync(file)).toEqual(first);

    const completion = await runXmgr(["completion", "bash"], env);
    expect(completion.code).toBe(0);
    expect(completion.stdout).toMatch(/complete -F _xmgr xmgr/);
    expect(commandsIn(onlyCacheFile())).toEqual(["-", "completion"]);
  });

  test("a muc kick leaves caches the next run uses as they are: the V8 settings it changes for undici are set back", async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-length": "0" }).end()); // what mod_http_muc_kick answers to a kick
    });
    const port = await listenOnLoopback(server);
    try {
      const kick = () => runXmgr(["muc", "kick", "--url", `http://127.0.0.1:${port}/muc_kick`, "room@chat.example.test", "Bob"], { ...env, XMGR_MUC_KICK_AUTH: "Basic eDp5" });
      expect((await kick()).code).toBe(0);
      const written = cacheFiles().map((name) => ({ name, ...statSync(join(cacheDir(), name)) }));
      expect(written.map((file) => file.name.split("-")[0]).sort()).toEqual(["cli", "undici"]);
      expect((await kick()).code).toBe(0);
      for (const file of written) expect({ name: file.name, ...statSync(join(cacheDir(), file.name)) }).toMatchObject({ name: file.name, ino: file.ino, mtimeMs: file.mtimeMs });
    } finally {
      await closeServer(server);
    }
  });

  test("a cache someone else could have written (group-writable) is not used, and is replaced", async () => {
    await runXmgr(["--version"], env);
    const file = onlyCacheFile();
    chmodSync(file, 0o660); // valid content: used, it would be accepted and left as it is
    const { ino } = statSync(file);
    expect(await runXmgr(["--version"], env)).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(statSync(file).ino).not.toBe(ino);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  test("a damaged cache of the right owner and mode is refused by V8, and is replaced", async () => {
    await runXmgr(["--version"], env);
    const file = onlyCacheFile();
    const damaged = Buffer.concat([Buffer.from("-\n"), randomBytes(4096)]);
    writeFileSync(file, damaged, { mode: 0o600 });
    expect(await runXmgr(["--version"], env)).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(readFileSync(file).equals(damaged)).toBe(false);
  });

  test("without a usable cache folder (XDG_CACHE_HOME is a file) xmgr runs as usual and says nothing about it", async () => {
    const notAFolder = join(home, "file");
    writeFileSync(notAFolder, "");
    expect(await runXmgr(["--version"], { ...env, XDG_CACHE_HOME: notAFolder })).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });
});
