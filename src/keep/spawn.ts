// Starts this profile and account's kept session (src/keep/keeper.ts) for a one-shot run that
// found none: a detached process running this same xmgr, its stdio closed (nothing waits on it),
// fd 3 a pipe on which it says whether it logged in and listens.
import { spawn } from "node:child_process";
import type { Settings } from "../config/settings.js";
import { ProfileState } from "../config/state.js";
import { bare } from "../jid.js";
import { KEEPER_VARIABLE } from "./where.js";


/**
 * Whether a kept session could log in without asking anything: with a saved FAST token, or a
 * password from the environment or a file. A password typed at a prompt never goes to it: that
 * run stays one-shot, and the next one finds the FAST token it saved.
 */
export function logsInWithoutPrompt(settings: Settings): boolean {
  try {
    const xmpp = settings.xmpp();
    if (xmpp.insecure) return false;
    if (settings.passwordWithoutPrompt()) return true;
    return new ProfileState(xmpp.profile).readFastToken(bare(xmpp.jid)) !== undefined;
  } catch {
    return false;
  }
}

/** Resolves true once the kept session listens, false when it could not start. */
export function startKeeper(args: string[], idleMs: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], {
      detached: true,
      stdio: ["ignore", "ignore", "ignore", "pipe"],
      env: { ...process.env, [KEEPER_VARIABLE]: String(idleMs) },
    });
    const pipe = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
    let said = "";
    const done = (ok: boolean) => {
      clearTimeout(timer);
      pipe.destroy();
      child.unref();
      resolve(ok);
    };
    // Connecting and logging in take at most the login timeout; a generous start-up on top.
    const timer = setTimeout(() => done(false), timeoutMs + 10_000);
    child.on("error", () => done(false));
    pipe.setEncoding("utf8");
    pipe.on("data", (chunk: string) => (said += chunk));
    pipe.on("end", () => done(said.startsWith("ready")));
    pipe.on("error", () => done(false));
  });
}
