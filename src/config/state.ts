// What xmgr keeps between runs, per profile, under $XDG_STATE_HOME/xmgr/<profile>/ (default
// ~/.local/state/xmgr): the stable client id it logs in with, and its FAST token.
import { randomUUID } from "node:crypto";
import { unlinkSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { privateFolder, readStateFile, writePrivateFile } from "./private-file.js";
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
    const kept = readStateFile(path, "client id file")?.trim();
    if (kept !== undefined && /^[\w-]{8,64}$/.test(kept)) return kept;
    const id = randomUUID();
    this.write(path, `${id}\n`);
    return id;
  }

  /** Writes into the profile's folder, xmgr's folder above it checked too (private-file.ts). */
  private write(path: string, content: string): void {
    privateFolder(dirname(this.dir), "state folder");
    privateFolder(this.dir, "state folder");
    writePrivateFile(path, content);
  }

  tokenPath(account: string): string {
    return join(this.dir, `fast-token-${account.replace(/[^\w.@-]/g, "_")}.json`);
  }

  readFastToken(account: string): FastToken | undefined {
    const text = readStateFile(this.tokenPath(account), "FAST token file");
    if (text === undefined) return undefined;
    try {
      const token = JSON.parse(text) as FastToken;
      if (typeof token.token !== "string" || typeof token.mechanism !== "string") return undefined;
      registerSecret(token.token);
      return token;
    } catch {
      return undefined;
    }
  }

  saveFastToken(account: string, token: FastToken): void {
    registerSecret(token.token);
    this.write(this.tokenPath(account), `${JSON.stringify(token)}\n`);
  }

  /** Where the downgrade pin of `account` is kept: deleting the file resets it. */
  pinPath(account: string): string {
    return join(this.dir, `login-pin-${account.replace(/[^\w.@-]/g, "_")}.json`);
  }

  /** The strongest login the server offered `account` so far (xmpp/login-pin.ts), if any was seen. */
  readPin(account: string): LoginOffer | undefined {
    const text = readStateFile(this.pinPath(account), "login pin file");
    if (text === undefined) return undefined;
    try {
      const pin = JSON.parse(text) as Partial<LoginOffer>;
      return { sasl2: pin.sasl2 === true, scramPlus: pin.scramPlus === true, fastBound: pin.fastBound === true };
    } catch {
      // Unreadable: the strongest pin, so that a damaged file cannot lower it; rm resets it.
      return { sasl2: true, scramPlus: true, fastBound: true };
    }
  }

  savePin(account: string, pin: LoginOffer): void {
    this.write(this.pinPath(account), `${JSON.stringify(pin)}\n`);
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
