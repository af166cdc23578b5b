// What xmgr keeps between runs, per profile, under $XDG_STATE_HOME/xmgr/<profile>/ (default
// ~/.local/state/xmgr): the stable client id it logs in with, and per account its FAST token and
// downgrade pin. Per-account files are named from the account as the server keys it
// (jid.ts accountKey): every spelling of one account finds the same pin and token. Per server host,
// which software it runs (servers.json), as the login found it (src/commands/server-dialect.ts).
import { createHash, randomUUID } from "node:crypto";
import { lstatSync, readdirSync, renameSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { checkExistingFolders, privateFolder, readStateFile, writePrivateFile } from "./private-file.js";
import { registerSecret } from "../output/secrets.js";
import { accountKey } from "../jid.js";
import { strongest, type LoginOffer } from "../xmpp/login-pin.js";

export interface FastToken {
  mechanism: string;
  token: string;
  expiry: string;
}

/** What xmgr found out about the server of a host at a login (src/commands/server-dialect.ts). */
export interface KnownServer {
  /** A digest of the login features the server offered then: another one means look again. */
  mark: string;
  /** The dialect name (src/protocol/dialects/). */
  dialect: string;
  /** Its software name, as it gave it ("Prosody", "ejabberd"), if it did. */
  software?: string;
}

type AccountFile = "fast-token-" | "login-pin-";

/**
 * The account key as a file name part: readable for plain names (alice@example.test), other
 * characters as %XX of their UTF-8 bytes so that two keys never share a name; a key too long for
 * a file name by its SHA-256 (no "@" then, so it cannot be taken for an account).
 */
function fileNamePart(key: string): string {
  const encoded = [...key].map((char) => (/^[\w.@-]$/.test(char) ? char : [...Buffer.from(char, "utf8")].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join(""))).join("");
  return encoded.length <= 200 ? encoded : createHash("sha256").update(key).digest("hex");
}

function parsePin(text: string): LoginOffer {
  try {
    const pin = JSON.parse(text) as Partial<LoginOffer>;
    return { sasl2: pin.sasl2 === true, scramPlus: pin.scramPlus === true, fastBound: pin.fastBound === true };
  } catch {
    // Unreadable: the strongest pin, so that a damaged file cannot lower it; rm resets it.
    return { sasl2: true, scramPlus: true, fastBound: true };
  }
}

export class ProfileState {
  /** xmgr's state folder, $XDG_STATE_HOME/xmgr: it and everything under it is never a symbolic link. */
  readonly root: string;
  readonly dir: string;

  constructor(profile: string, env: NodeJS.ProcessEnv = process.env) {
    const base = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
    this.root = join(base, "xmgr");
    this.dir = join(this.root, profile.replace(/[^\w.-]/g, "_"));
  }

  /** Before a read: the state folders, where they exist, are real folders of the user's (private-file.ts). */
  private checkFolders(): void {
    checkExistingFolders(this.dir, "state folder", this.root);
  }

  /** The id sent as <user-agent id>, made once, so every run is the same client to the server. */
  clientId(): string {
    this.checkFolders();
    const path = join(this.dir, "client-id");
    const kept = readStateFile(path, "client id file")?.trim();
    if (kept !== undefined && /^[\w-]{8,64}$/.test(kept)) return kept;
    const id = randomUUID();
    this.write(path, `${id}\n`);
    return id;
  }

  /** Writes into the profile's folder, xmgr's folder above it checked too (private-file.ts). */
  private write(path: string, content: string): void {
    privateFolder(this.dir, "state folder", this.root);
    writePrivateFile(path, content, this.root);
  }

  private accountPath(kind: AccountFile, account: string): string {
    return join(this.dir, `${kind}${fileNamePart(accountKey(account))}.json`);
  }

  /**
   * Files that an earlier xmgr saved for this account under another spelling (named from the JID
   * as typed, e.g. fast-token-ALICE@example.test.json): never a name of this version's, which
   * has no "%" or is the account's own.
   */
  private legacyPaths(kind: AccountFile, account: string): string[] {
    this.checkFolders();
    const own = basename(this.accountPath(kind, account));
    const key = accountKey(account);
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return []; // no folder, no legacy; an unreadable one fails where the file is read
    }
    return names
      .filter((name) => name.startsWith(kind) && name.endsWith(".json") && name !== own && !name.includes("%"))
      .filter((name) => name.slice(kind.length, -".json".length).includes("@") && accountKey(name.slice(kind.length, -".json".length)) === key)
      .map((name) => join(this.dir, name));
  }

  tokenPath(account: string): string {
    return this.accountPath("fast-token-", account);
  }

  readFastToken(account: string): FastToken | undefined {
    this.checkFolders();
    const text = readStateFile(this.tokenPath(account), "FAST token file") ?? this.migrateFastToken(account);
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

  /**
   * A token saved under another spelling becomes the account's: the newest one is renamed to the
   * account's name, older ones are deleted (the server keeps at most the newest two per client, and
   * `xmgr logout` names any it still lists). Its content, or undefined when there is none.
   */
  private migrateFastToken(account: string): string | undefined {
    const legacy = this.legacyPaths("fast-token-", account)
      .map((path) => ({ path, modified: lstatSync(path).mtimeMs }))
      .sort((a, b) => b.modified - a.modified);
    if (legacy.length === 0) return undefined;
    const [newest, ...older] = legacy;
    const text = readStateFile(newest.path, "FAST token file");
    try {
      renameSync(newest.path, this.tokenPath(account));
      for (const { path } of older) unlinkSync(path);
    } catch {
      // left as they are (read-only state): the next run migrates again
    }
    return text;
  }

  saveFastToken(account: string, token: FastToken): void {
    registerSecret(token.token);
    this.write(this.tokenPath(account), `${JSON.stringify(token)}\n`);
  }

  /** Where the downgrade pin of `account` is kept: deleting the file resets it. */
  pinPath(account: string): string {
    return this.accountPath("login-pin-", account);
  }

  /** The strongest login the server offered `account` so far (xmpp/login-pin.ts), if any was seen. */
  readPin(account: string): LoginOffer | undefined {
    this.checkFolders();
    const text = readStateFile(this.pinPath(account), "login pin file");
    return text === undefined ? this.migratePins(account) : parsePin(text);
  }

  /**
   * Pins saved under other spellings of the account, merged (a pin only grows) and saved under the
   * account's name; the old files are deleted once it is saved, so that deleting the pin file
   * still resets the pin. The merged pin holds even when it cannot be saved.
   */
  private migratePins(account: string): LoginOffer | undefined {
    const legacy = this.legacyPaths("login-pin-", account);
    let merged: LoginOffer | undefined;
    for (const path of legacy) {
      const text = readStateFile(path, "login pin file");
      if (text !== undefined) merged = strongest(merged, parsePin(text));
    }
    if (merged === undefined) return undefined;
    try {
      this.savePin(account, merged);
      for (const path of legacy) unlinkSync(path);
    } catch {
      // kept where it was: the next run merges it again
    }
    return merged;
  }

  savePin(account: string, pin: LoginOffer): void {
    this.write(this.pinPath(account), `${JSON.stringify(pin)}\n`);
  }

  private serversPath(): string {
    return join(this.dir, "servers.json");
  }

  private readServers(): Record<string, KnownServer> {
    this.checkFolders();
    const text = readStateFile(this.serversPath(), "servers file");
    if (text === undefined) return {};
    try {
      const parsed = JSON.parse(text) as unknown;
      return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, KnownServer>) : {};
    } catch {
      return {}; // unreadable: found out again at the next login
    }
  }

  /** What a login found out about the server of `host`, if anything was kept. */
  readServer(host: string): KnownServer | undefined {
    const entry = this.readServers()[host.toLowerCase()];
    if (!entry || typeof entry.mark !== "string" || typeof entry.dialect !== "string") return undefined;
    return { mark: entry.mark, dialect: entry.dialect, ...(typeof entry.software === "string" && { software: entry.software }) };
  }

  saveServer(host: string, server: KnownServer): void {
    const servers = this.readServers();
    servers[host.toLowerCase()] = server;
    this.write(this.serversPath(), `${JSON.stringify(servers)}\n`);
  }

  /** Whether there was one. */
  deleteFastToken(account: string): boolean {
    this.checkFolders();
    try {
      unlinkSync(this.tokenPath(account));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }
}
