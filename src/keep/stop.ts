// Ends this profile and account's kept session, if one answers (xmgr session stop, xmgr logout).
import { talk, usableSession } from "./client.js";
import { keepPaths } from "./where.js";

/** True when a kept session was there and has been told to end. */
export async function stopKept(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const session = usableSession(keepPaths(args, env));
  if (!session) return false;
  const code = await talk(session.paths.socket, { key: session.key, stop: true, args: [], env: {}, cwd: "/", tty: { stdin: false, stdout: false, stderr: false } });
  return code === 0;
}
