import { expect, test } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { repoRoot } from "../support/xmgr.js";

test("the Prosody modules (shipped and test stand-ins) pass luacheck", () => {
  const run = spawnSync("luacheck", ["--no-color", "prosody", "test/prosody"], { cwd: repoRoot, encoding: "utf8" });
  expect(run.error).toBeUndefined();
  expect(run.stdout).toMatch(/Total: 0 warnings \/ 0 errors in [1-9]\d* files/);
  expect(run.status).toBe(0);
});
