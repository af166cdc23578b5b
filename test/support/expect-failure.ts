/** The shape every xmgr failure must have: what a test of a failing command checks first. */
import { expect } from "@jest/globals";
import type { XmgrResult } from "./xmgr.js";

/**
 * The exit code (when given), nothing on stdout, no stack trace, and "! message" with at most
 * a hint line after it (-v trace lines, if any, come before); with --json, that failure as one
 * line of JSON instead: {"error":{"message","hint"?,"exitCode"}}, its exitCode the exit code.
 */
export function expectCleanFailure(result: XmgrResult, code?: number): void {
  if (code !== undefined) expect(result.code).toBe(code);
  else expect(result.code).not.toBe(0);
  expect(result.stdout).toBe("");
  expect(result.stderr).not.toMatch(/\n\s+at |Error:/);
  const jsonError = jsonFailure(result.stderr);
  if (jsonError) {
    expect(jsonError.exitCode).toBe(result.code);
    expect(typeof jsonError.message).toBe("string");
    return;
  }
  const start = result.stderr.search(/(^|\n)! /);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(result.stderr.slice(start).trim().split("\n").length).toBeLessThanOrEqual(2);
}

/** The error of a --json run's last stderr line, if that line is one. */
export function jsonFailure(stderr: string): { message: string; hint?: string; exitCode: number } | undefined {
  const last = stderr.trimEnd().split("\n").pop() ?? "";
  if (!last.startsWith('{"error":')) return undefined;
  const parsed = JSON.parse(last) as { error: { message: string; hint?: string; exitCode: number } };
  expect(Object.keys(parsed)).toEqual(["error"]);
  return parsed.error;
}
