// Starts this profile and account's kept session (src/keep/keeper.ts) for a one-shot run that
// found none: a detached process running this same xmgr, its stdio closed (nothing waits on it),
// fd 3 a pipe on which it says whether it logged in and listens.
import { spawn } from "node:child_process";
import type { Settings } from "../config/settings.js";
import { ProfileState } from "../config/state.js";
import { bare } from "../jid.js";
import { KEEPER_VARIABLE } from "./where.js";
import type { Readiness } from "./keeper.js";


/**
 * How a kept session could log in without asking anything: with the saved FAST token, or else a
 * password from the environment or a file; undefined when only a prompt would do. A password
 * typed at a prompt never goes to it: that run stays one-shot, and the next one finds the FAST
 * token it saved.
 */
export function loginWithoutPrompt(settings: Settings): "token" | "password" | undefined {
  try {
    const xmpp = settings.xmpp();
    if (xmpp.insecure) return undefined;
    if (new ProfileState(xmpp.profile).readFastToken(bare(xmpp.jid)) !== undefined) return "token";
    return settings.passwordWithoutPrompt() ? "password" : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolves once the kept session listens, or could not start (src/keep/keeper.ts, Readiness).
 * `withPassword`: whether it gets XMGR_PASSWORD; with a FAST token to log in with, it does not.
 */
export function startKeeper(args: string[], idleMs: number, timeoutMs: number, withPassword: boolean): Promise<Readiness> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, [KEEPER_VARIABLE]: String(idleMs) };
    if (!withPassword) delete env.XMGR_PASSWORD;
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], { detached: true, stdio: ["ignore", "ignore", "ignore", "pipe"], env });
    const pipe = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
    let said = "";
    const done = (readiness: Readiness) => {
      clearTimeout(timer);
      pipe.destroy();
      child.unref();
      resolve(readiness);
    };
    const notReady: Readiness = { ready: false };
    // Connecting and logging in take at most the login timeout; a generous start-up on top.
    const timer = setTimeout(() => done(notReady), timeoutMs + 10_000);
    child.on("error", () => done(notReady));
    pipe.setEncoding("utf8");
    pipe.on("data", (chunk: string) => (said += chunk));
    pipe.on("end", () => {
      try {
        done(JSON.parse(said) as Readiness);
      } catch {
        done(notReady);
      }
    });
    pipe.on("error", () => done(notReady));
  });
}
