/**
 * Feedback while a server is silent: on a terminal, after about a second, a "waiting for the
 * server… N s" line on stderr, cleared before xmgr writes anything else; never when the output is
 * a pipe. The server here is a scripted one (test/support/hostile.ts) that lets xmgr log in and
 * then never answers, so that xmgr waits until its --timeout.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { join } from "node:path";
import { makeCertificate, scriptedLoginArgs, scriptedXmppServer, type Certificate, type ScriptedServer } from "../support/hostile.js";
import { TmuxTerminal } from "../support/tmux.js";
import { xmgrUser, type XmgrUser } from "../support/xmgr.js";

let user: XmgrUser;
let cert: Certificate;
let silent: ScriptedServer;
const terminals: TmuxTerminal[] = [];

beforeAll(async () => {
  user = await xmgrUser();
  cert = await makeCertificate(user.home, ["example.test"]);
  silent = await scriptedXmppServer({ cert });
});

afterAll(async () => {
  await Promise.all(terminals.map((term) => term.kill()));
  await silent?.close();
  await user?.cleanup();
});

describe("waiting for a silent server", () => {
  test("on a terminal: a waiting line with the seconds after about a second, cleared before the error", async () => {
    const term = new TmuxTerminal(user.home, user.env);
    terminals.push(term);
    const raw = join(user.home, "spinner-raw.txt");
    await term.start([...scriptedLoginArgs(silent, cert), "--timeout", "4", "server", "uptime"], { XMGR_PASSWORD: "pw" }, { rawOutputFile: raw });
    const waiting = await term.contains(/waiting for the server… [1-9] s/);
    expect(waiting).not.toContain("[exit ");
    const screen = await term.contains("[exit ");
    expect(screen).toContain("[exit 8]");
    expect(screen).not.toContain("waiting for the server");
    const written = await term.rawOutput("[exit ");
    // The last spinner frame is erased (carriage return, erase line) before the "!" line is written.
    const lastFrame = written.lastIndexOf("waiting for the server");
    const failure = written.indexOf("! ", lastFrame);
    expect(lastFrame).toBeGreaterThan(0);
    expect(written.slice(lastFrame, failure)).toContain("\r\u001b[K");
  });

  test("in a pipe (and with --json): no waiting line at all", async () => {
    for (const extra of [[], ["--json"]]) {
      const result = await user.run([...scriptedLoginArgs(silent, cert), ...extra, "--timeout", "3", "server", "uptime"], { XMGR_PASSWORD: "pw" });
      expect(result.code).toBe(8);
      expect(result.stderr).not.toContain("waiting");
      expect(result.stderr).not.toContain("\u001b[K");
      expect(result.stdout).toBe("");
    }
  });
});
