/**
 * `xmgr completion bash|zsh|fish`: the scripts the built bin/xmgr prints load without errors and
 * complete what the one-shot commands take (`xmgr user <TAB>` and more). bash always; zsh and
 * fish, which scripts/install-prosody.sh installs.
 */
import { beforeAll, describe, expect, test } from "@jest/globals";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { xmgrBin, xmgrUser, type XmgrUser } from "../support/xmgr.js";

let user: XmgrUser;
const scripts: Record<string, string> = {};

function run(shell: string, args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(shell, args, { cwd, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: user.home } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

const installed = (shell: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${shell}`]);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  user = await xmgrUser();
  for (const shell of ["bash", "zsh", "fish"]) {
    const result = await user.run(["completion", shell]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    scripts[shell] = join(user.home, `xmgr.${shell}`);
    writeFileSync(scripts[shell], result.stdout);
  }
});

/** COMPREPLY for the words typed (the last one being completed), with the script loaded as `source <(xmgr completion bash)` would. */
async function bashComplete(...words: string[]): Promise<string[]> {
  const array = words.map((word) => `'${word}'`).join(" ");
  const result = await run("bash", ["-c", `source ${scripts.bash} || exit 9; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _xmgr; printf '%s\\n' "\${COMPREPLY[@]}"`]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return result.stdout.split("\n").filter(Boolean);
}

describe("xmgr completion", () => {
  test("an unknown shell is a usage error", async () => {
    const result = await user.run(["completion", "tcsh"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/tcsh/);
    expect(result.stderr).toMatch(/bash, zsh, fish/);
  });

  test("bash: the script loads without errors (as source <(xmgr completion bash)) and registers _xmgr", async () => {
    const result = await run("bash", ["-c", `source <(${xmgrBin} completion bash) && complete -p xmgr`]);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("complete -F _xmgr xmgr");
  });

  test("bash: xmgr user <TAB> and the other levels", async () => {
    const userCommands = await bashComplete("xmgr", "user", "");
    expect(userCommands).toEqual(expect.arrayContaining(["clients", "revoke_client"]));
    expect(userCommands).not.toContain("kick");
    expect(await bashComplete("xmgr", "")).toEqual(expect.arrayContaining(["user", "muc", "adhoc", "logout", "shell", "completion"]));
    expect(await bashComplete("xmgr", "--jid", "admin@example.com", "mu")).toEqual(["muc"]);
    expect(await bashComplete("xmgr", "muc", "k")).toEqual(["kick"]);
    expect(await bashComplete("xmgr", "completion", "")).toEqual(["bash", "zsh", "fish"]);
    expect(await bashComplete("xmgr", "user", "revoke-client", "--j")).toEqual(["--jid", "--json"]);
    expect(await bashComplete("xmgr", "muc", "kick", "--a")).toEqual(["--auth-file", "--allow-plain-http"]);
    expect(await bashComplete("xmgr", "shell", "--k")).toEqual(["--keep-going"]);
    expect(await bashComplete("xmgr", "user", "clients", "")).toEqual([]); // a JID: nothing to offer
    expect(await bashComplete("xmgr", "--jid", "")).toEqual([]); // an option's value
  });

  test("bash: options that take a file complete file names", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xmgr-completion-"));
    try {
      writeFileSync(join(dir, "ca-cert.pem"), "");
      writeFileSync(join(dir, "other.txt"), "");
      const result = await run("bash", ["-c", `source ${scripts.bash}; COMP_WORDS=(xmgr --ca ca-); COMP_CWORD=2; _xmgr; printf '%s\\n' "\${COMPREPLY[@]}"`], dir);
      expect(result.stdout.trim()).toBe("ca-cert.pem");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("zsh: the script parses and completes xmgr user <TAB>", async () => {
    expect(installed("zsh")).toBe(true); // scripts/install-prosody.sh installs it
    expect(await run("zsh", ["-n", scripts.zsh])).toMatchObject({ code: 0, stderr: "" });
    const stub = 'compadd() { [[ $1 == -- ]] && shift; print -r -- "$@"; }; _files() { print FILES; }';
    const complete = (words: string[]) =>
      run("zsh", ["-c", `${stub}; source ${scripts.zsh}; words=(${words.map((word) => `'${word}'`).join(" ")}); CURRENT=${words.length}; _xmgr`]);
    const user = await complete(["xmgr", "user", ""]);
    expect(user).toMatchObject({ code: 0, stderr: "" });
    expect(user.stdout.trim().split(" ")).toEqual(expect.arrayContaining(["clients", "revoke_client"]));
    expect(user.stdout).not.toContain("kick");
    expect((await complete(["xmgr", "--ca", ""])).stdout).toBe("FILES\n");
    expect((await complete(["xmgr", "completion", ""])).stdout).toBe("bash zsh fish\n");
  });

  test("fish: the script parses and completes xmgr user <TAB>", async () => {
    expect(installed("fish")).toBe(true); // scripts/install-prosody.sh installs it
    expect(await run("fish", ["-n", scripts.fish])).toMatchObject({ code: 0, stderr: "" });
    const result = await run("fish", ["-c", `source ${scripts.fish}; complete -C'xmgr user '; echo '=='; complete -C'xmgr completion '`]);
    expect(result.stderr).toBe("");
    const [user, shells] = result.stdout.split("==\n");
    expect(user.split("\n")).toEqual(expect.arrayContaining(["clients\tlist the clients that have access to an account", "revoke_client\ttake a client's access to an account away"]));
    expect(user).not.toContain("kick");
    expect(shells).toBe("bash\nfish\nzsh\n");
  });
});
