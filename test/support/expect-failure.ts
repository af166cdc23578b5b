/** The shape every xmgr failure must have: what a test of a failing command checks first. */
import { expect } from "@jest/globals";
import type { XmgrResult } from "./xmgr.js";

/**
 * The exit code (when given), nothing on stdout, no stack trace, and "! message" with at most
 * a hint line after it (-v trace lines, if any, come before).
 */
export function expectCleanFailure(result: XmgrResult, code?: number): void {
  if (code !== undefined) expect(result.code).toBe(code);
  else expect(result.code).not.toBe(0);
  expect(result.stdout).toBe("");
  expect(result.stderr).not.toMatch(/\n\s+at |Error:/);
  const start = result.stderr.search(/(^|\n)! /);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(result.stderr.slice(start).trim().split("\n").length).toBeLessThanOrEqual(2);
}
