// What xmgr keeps between runs, per profile, under $XDG_STATE_HOME/xmgr/<profile>/ (default
// ~/.local/state/xmgr): the stable client id it logs in with, and its FAST token.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { assertPrivate, writePrivateFile } from "./private-file.js";
import { registerSecret } from "../output/secrets.js";
import type { LoginOffer } from "../xmpp/login-pin.js";

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

  tokenPath(account: string): string {
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

  /** Where the downgrade pin of `account` is kept: deleting the file resets it. */
  pinPath(account: string): string {
    return join(this.dir, `login-pin-${account.replace(/[^\w.@-]/g, "_")}.json`);
  }

  /** The strongest login the server offered `account` so far (xmpp/login-pin.ts), if any was seen. */
  readPin(account: string): LoginOffer | undefined {
    const path = this.pinPath(account);
    if (!existsSync(path)) return undefined;
    assertPrivate(path, "login pin file");
    try {
      const pin = JSON.parse(readFileSync(path, "utf8")) as Partial<LoginOffer>;
      return { sasl2: pin.sasl2 === true, scramPlus: pin.scramPlus === true, fastBound: pin.fastBound === true };
    } catch {
      // Unreadable: the strongest pin, so that a damaged file cannot lower it; rm resets it.
      return { sasl2: true, scramPlus: true, fastBound: true };
    }
  }

  savePin(account: string, pin: LoginOffer): void {
    writePrivateFile(this.pinPath(account), `${JSON.stringify(pin)}\n`);
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
