// Turns command-line options, XMGR_* variables and the config file into the settings a command
// needs. Precedence: option, then environment, then the profile in the config file.
import { readFileSync } from "node:fs";
import { XmgrError, usageError, quoted } from "../errors.js";
import { parseBareJid, type Jid } from "../jid.js";
import { loadProfile, type ProfileSettings } from "./config-file.js";
import { canPrompt, promptSecret } from "./prompt.js";
import { assertPrivate, readPrivateFile } from "./private-file.js";
import { parseServerAddress, type ServerAddress } from "./server-address.js";
import { registerSecret } from "../output/secrets.js";

export interface GlobalOptions {
  profile?: string;
  jid?: string;
  server?: string;
  passwordFile?: string;
  ca?: string;
  insecure?: boolean;
  timeout?: string;
  verbose?: boolean;
  json?: boolean;
  color?: boolean;
  /** false for --no-keep. */
  keep?: boolean;
}

export interface ConnectionSettings {
  profile: string;
  ca?: string;
  insecure: boolean;
  timeoutMs: number;
}

export interface XmppSettings extends ConnectionSettings {
  jid: Jid;
  server?: ServerAddress;
  password: () => Promise<string>;
}

const DEFAULT_TIMEOUT_SECONDS = 10;
/** How long a kept session (src/keep/) waits for the next command. */
export const DEFAULT_KEEP_SECONDS = 300;

export class Settings {
  readonly profileName: string;
  private loaded?: ProfileSettings;

  /** `newProfile`: a named profile missing from the config file starts from [default] (xmgr login makes it). */
  constructor(
    readonly options: GlobalOptions,
    readonly env: NodeJS.ProcessEnv = process.env,
    private readonly newProfile = false,
  ) {
    this.profileName = options.profile || env.XMGR_PROFILE || "default";
  }

  /** The config file is read when a setting is first needed: commands that need none run without it. */
  get profile(): ProfileSettings {
    this.loaded ??= loadProfile(this.profileName, this.env, { missingOk: this.newProfile });
    return this.loaded;
  }

  /** The first of: an option's value, an environment variable, a config key. */
  pick(option: string | undefined, variable: string, key: keyof ProfileSettings): string | undefined {
    return option ?? (this.env[variable] || undefined) ?? this.profile[key];
  }

  flag(option: boolean | undefined, variable: string, key: keyof ProfileSettings): boolean {
    const value = option ? "true" : this.pick(undefined, variable, key);
    return value !== undefined && /^(1|true|yes|on)$/i.test(value);
  }

  connection(): ConnectionSettings {
    return {
      profile: this.profileName,
      ca: this.caCertificate(),
      insecure: this.flag(this.options.insecure, "XMGR_INSECURE", "insecure"),
      timeoutMs: this.timeoutMs(),
    };
  }

  xmpp(): XmppSettings {
    const jidText = this.pick(this.options.jid, "XMGR_JID", "jid");
    if (!jidText) {
      throw usageError("No account to log in as.", "Give --jid admin@example.com, set XMGR_JID, or add jid to the config file.");
    }
    const server = this.pick(this.options.server, "XMGR_SERVER", "server");
    const passwordFile = this.options.passwordFile ?? this.profile.password_file;
    if (passwordFile) assertPrivate(passwordFile, "secret file");
    return {
      ...this.connection(),
      jid: parseBareJid(jidText, "login JID"),
      server: server ? parseServerAddress(server) : undefined,
      password: () => this.password(),
    };
  }

  /** Reads a secret from a file option, a variable, a config file key or a config value, in that order; output redacts it from then on. */
  secret(sources: { variable: string; fileOption?: string; key: keyof ProfileSettings; fileKey: keyof ProfileSettings }) {
    const value = this.findSecret(sources);
    registerSecret(value);
    return value;
  }

  private findSecret(sources: { variable: string; fileOption?: string; key: keyof ProfileSettings; fileKey: keyof ProfileSettings }) {
    if (sources.fileOption) return firstLine(readPrivateFile(sources.fileOption, "secret file"));
    const fromEnv = this.env[sources.variable];
    if (fromEnv) return fromEnv;
    const file = this.profile[sources.fileKey];
    if (file) return firstLine(readPrivateFile(file, "secret file"));
    return this.profile[sources.key];
  }

  private async password(): Promise<string> {
    const password = this.secret({
      variable: "XMGR_PASSWORD",
      fileOption: this.options.passwordFile,
      key: "password",
      fileKey: "password_file",
    });
    if (password) return password;
    if (canPrompt()) return promptSecret("Password: ");
    throw usageError(
      "No password: not on a terminal, and none configured.",
      "Set XMGR_PASSWORD, give --password-file FILE, or add password_file to the config file.",
    );
  }

  /** Whether a password is configured (option, environment, config file): logging in then asks nothing. */
  passwordWithoutPrompt(): boolean {
    return Boolean(this.findSecret({ variable: "XMGR_PASSWORD", fileOption: this.options.passwordFile, key: "password", fileKey: "password_file" }));
  }

  /**
   * XMGR_KEEP or the config's keep: "off" (also 0, no, false), "on" (also yes, true: the default
   * idle time) or the idle time in seconds; undefined when neither is set.
   */
  keepSetting(): "off" | number | undefined {
    const text = this.pick(undefined, "XMGR_KEEP", "keep");
    if (text === undefined) return undefined;
    if (/^(off|no|false|0)$/i.test(text)) return "off";
    if (/^(on|yes|true)$/i.test(text)) return DEFAULT_KEEP_SECONDS * 1000;
    const seconds = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86400) {
      throw new XmgrError("usage", `Invalid keep setting ${quoted(text)}: give off, on, or the idle time in seconds (at most 86400).`);
    }
    return Math.round(seconds * 1000);
  }

  /**
   * The kept session's idle time for this run, or undefined for none. Unset, it is on (5 minutes)
   * only for a person at a terminal (stderr a terminal) in a login session ($XDG_RUNTIME_DIR set,
   * cleaned at logout): never in cron, CI, services or test suites, whose runs have neither.
   */
  keepIdleMs(): number | undefined {
    if (this.options.keep === false) return undefined;
    const setting = this.keepSetting();
    if (setting === "off") return undefined;
    if (setting !== undefined) return setting;
    return process.stderr.isTTY && this.env.XDG_RUNTIME_DIR ? DEFAULT_KEEP_SECONDS * 1000 : undefined;
  }

  private caCertificate(): string | undefined {
    const path = this.pick(this.options.ca, "XMGR_CA", "ca");
    if (!path) return undefined;
    let pem: string;
    try {
      pem = readFileSync(path, "utf8");
    } catch {
      throw usageError(`Cannot read the CA file ${path}.`, "Give --ca a PEM file holding the certificate to trust.");
    }
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw usageError(`The CA file ${path} holds no PEM certificate.`);
    }
    return pem;
  }

  private timeoutMs(): number {
    const text = this.pick(this.options.timeout, "XMGR_TIMEOUT", "timeout") ?? String(DEFAULT_TIMEOUT_SECONDS);
    // Decimal only: Number() would also take "0x10", "1e3", " 5 " and "".
    const seconds = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
      throw new XmgrError("usage", `Invalid timeout ${quoted(text)}: give seconds between 0 and 3600.`);
    }
    return Math.round(seconds * 1000);
  }
}

const firstLine = (text: string) => text.split(/\r?\n/)[0];
