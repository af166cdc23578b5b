/**
 * Faults (issue 6): the real Prosody test bed goes away in the middle of a command, cleanly
 * (SIGTERM: it closes its streams) or by crashing (SIGKILL). bin/xmgr must end well within its
 * --timeout with a "! message" and exit 6; once Prosody is started again (testbed restart(), same
 * ports and data), the next command works. The test module mod_test_hold_list keeps the list
 * request of "hold…" accounts unanswered, so the stop lands exactly while xmgr waits for it.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginArgs, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";

const PASSWORD = "faults-pw-42";
// Far above what a run takes on a busy machine: "at once" is measured against it.
const TIMEOUT_S = 60;

let tb: Testbed;
let user: XmgrUser;

beforeAll(async () => {
  [tb, user] = await Promise.all([startTestbed({ hostModules: ["test_hold_list"] }), xmgrUser()]);
  await Promise.all([tb.register("hold1", PASSWORD), tb.register("hold2", PASSWORD), tb.register("alice", PASSWORD)]);
});

afterAll(async () => {
  await user?.cleanup();
  await tb?.stop();
});

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${tb.log().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const list = (account: string) =>
  user.run(["--timeout", String(TIMEOUT_S), ...loginArgs(tb, account), "user", "clients", `${account}@${tb.host}`], { XMGR_PASSWORD: PASSWORD });

describe("Prosody stopped in the middle of a command, then started again", () => {
  test.each([
    ["SIGTERM (a clean shutdown)", "SIGTERM", "hold1", /closed the connection before answering \(stream error: system-shutdown/],
    ["SIGKILL (a crash)", "SIGKILL", "hold2", /(closed the connection before answering|connection to .* failed)/],
  ] as const)("%s while xmgr waits for the answer: exit 6 at once with a message; the next command works", async (_name, signal, account, message) => {
    const waiting = list(account);
    await until(() => tb.log().includes(`holding the list request of ${account}`), "the held list request");
    let result: XmgrResult | undefined;
    let stopped = 0;
    let answered = 0;
    let down: XmgrResult | undefined;
    await tb.restart(signal, async () => {
      stopped = Date.now();
      result = await waiting;
      answered = Date.now();
      // While it is down: another command fails at once, it does not hang.
      down = await user.run(["--timeout", String(TIMEOUT_S), "muc", "kick", "--url", `http://127.0.0.1:${tb.httpPort}/muc_kick`, `room@${tb.mucHost}`, "Bob"], {
        XMGR_MUC_KICK_AUTH: tb.mucKickAuth,
      });
    });
    expect(answered - stopped).toBeLessThan((TIMEOUT_S * 1000) / 2);
    expectCleanFailure(result!, 6);
    expect(result!.stderr).toMatch(message);
    expectCleanFailure(down!, 6);
    expect(down!.stderr).toMatch(/connection refused/);

    const again = await list("alice");
    expect(again.stderr).toMatch(/^OK: /m);
    expect(again.code).toBe(0);
  });
});
