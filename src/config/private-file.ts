// Files that hold secrets or state: read only when no one else can, written 0600 in 0700 folders.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { XmgrError } from "../errors.js";

/** Refuses a file that group or others can read or write, with the chmod that fixes it. */
export function assertPrivate(path: string, what: string): void {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new XmgrError("usage", `Cannot read the ${what} ${path}: no such file.`);
  }
  if ((mode & 0o077) !== 0) {
    throw new XmgrError(
      "usage",
      `Refusing the ${what} ${path}: other users can access it (mode ${(mode & 0o777).toString(8)}).`,
      `Run: chmod 600 '${path}'`,
    );
  }
}

export function readPrivateFile(path: string, what: string): string {
  assertPrivate(path, what);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new XmgrError("usage", `Cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}.`);
  }
}

/** Writes atomically, creating missing folders 0700 and the file 0600; on failure no temporary file is left. */
export function writePrivateFile(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, content, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
