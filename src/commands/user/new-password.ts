// Where a new account password comes from (user create, user password): typed twice without echo
// on a terminal, the first line of a private file (or of stdin with "-"), or made up by xmgr.
// Never from the command line. A password Prosody would store as empty is refused: add-user
// without one "creates" a disabled account whose login later hangs (facts page).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { usageError } from "../../errors.js";
import { readPrivateFile } from "../../config/private-file.js";
import { registerSecret } from "../../output/secrets.js";
import type { OptionSpec, Prompts } from "../define.js";

export interface NewPasswordOptions {
  newPasswordFile?: string;
  randomPassword?: boolean;
}

export const NEW_PASSWORD_OPTIONS: OptionSpec[] = [
  { long: "--new-password-file", value: "FILE", file: true, help: "the new password is the first line of FILE (mode 600), or of stdin with -" },
  { long: "--random-password", help: "make up a strong password and print it once on stdout" },
];

const TYPING_ATTEMPTS = 3;

export interface NewPassword {
  password: string;
  /** Made up by xmgr: the command prints it (and only then is a password ever printed). */
  generated: boolean;
}

/** 24 characters from 144 random bits, letters, digits, - and _ only (safe in any client's field). */
export function randomPassword(): string {
  return randomBytes(18).toString("base64url");
}

function firstLine(text: string, where: string): string {
  const line = text.split(/\r?\n/)[0];
  if (line === "") throw usageError(`The new password in ${where} is empty: nothing was changed.`, "Put the password on the first line.");
  return line;
}

export async function newPassword(options: NewPasswordOptions, prompts: Prompts, account: string, inShell: boolean): Promise<NewPassword> {
  if (options.newPasswordFile !== undefined && options.randomPassword) {
    throw usageError("Give either --new-password-file or --random-password, not both.");
  }
  if (options.randomPassword) return { password: randomPassword(), generated: true };
  const file = options.newPasswordFile;
  if (file === "-") {
    if (inShell) throw usageError("--new-password-file - cannot be used in xmgr shell: stdin holds the commands.", "Give a file (mode 600) instead.");
    let text: string;
    try {
      text = readFileSync(0, "utf8");
    } catch {
      throw usageError("Cannot read the new password from stdin.");
    }
    const password = firstLine(text, "stdin");
    registerSecret(password);
    return { password, generated: false };
  }
  if (file !== undefined) {
    const password = firstLine(readPrivateFile(file, "new password file"), file);
    registerSecret(password);
    return { password, generated: false };
  }
  if (!prompts.canAsk) {
    throw usageError(
      `No new password for ${account}: nothing was changed.`,
      "Give --new-password-file FILE (- reads stdin) or --random-password, or run xmgr on a terminal to type it.",
    );
  }
  // As passwd(1): a mistyped pair is asked again, a few times.
  let problem = "";
  for (let attempt = 1; attempt <= TYPING_ATTEMPTS; attempt++) {
    const password = await prompts.secret(`${problem}New password for ${account}: `);
    if (password === "") {
      problem = "The password is empty. ";
      continue;
    }
    const again = await prompts.secret("Type it again: ");
    if (again === password) return { password, generated: false };
    problem = "The two passwords differ. ";
  }
  throw usageError(`${problem}Tried ${TYPING_ATTEMPTS} times: nothing was changed.`);
}
