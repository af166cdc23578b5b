// What xmgr keeps between runs, per profile, under $XDG_STATE_HOME/xmgr/<profile>/ (default
// ~/.local/state/xmgr): the stable client id it logs in with, and its FAST token.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { assertPrivate, writePrivateFile } from "./private-file.js";
import { registerSecret } from "../output/secrets.js";

export interface FastToken {
  mechanism: string;
  token: string;
  expiry: string;
}

export class ProfileState {
  readonly dir: string;

  constructor(profile: string, env: NodeJS.ProcessEnv = process.env) {
    const base = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
    this.dir = join(base, "xmgr", profile.replace(/[^\w.-]/g, "_"));
  }

  /** The id sent as <user-agent id>, made once, so every run is the same client to the server. */
  clientId(): string {
    const path = join(this.dir, "client-id");
    if (existsSync(path)) {
      const id = readFileSync(path, "utf8").trim();
      if (/^[\w-]{8,64}$/.test(id)) return id;
    }
    const id = randomUUID();
    writePrivateFile(path, `${id}\n`);
    return id;
  }

  private tokenPath(account: string): string {
    return join(this.dir, `fast-token-${account.replace(/[^\w.@-]/g, "_")}.json`);
  }

  readFastToken(account: string): FastToken | undefined {
    const path = this.tokenPath(account);
    if (!existsSync(path)) return undefined;
    assertPrivate(path, "FAST token file");
    try {
      const token = JSON.parse(readFileSync(path, "utf8")) as FastToken;
      if (typeof token.token !== "string" || typeof token.mechanism !== "string") return undefined;
      registerSecret(token.token);
      return token;
    } catch {
      return undefined;
    }
  }

  saveFastToken(account: string, token: FastToken): void {
    registerSecret(token.token);
    writePrivateFile(this.tokenPath(account), `${JSON.stringify(token)}\n`);
  }

  /** Whether there was one. */
  deleteFastToken(account: string): boolean {
    try {
      unlinkSync(this.tokenPath(account));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }
}
