/**
 * The confirmation rule of destructive commands (src/commands/confirm.ts): --yes goes ahead; on a
 * terminal a question (typing the name for what cannot be undone); anywhere else a refusal, exit 2.
 */
import { describe, expect, test } from "@jest/globals";
import { confirmOrRefuse } from "../../src/commands/confirm.js";
import type { Prompts } from "../../src/commands/define.js";
import { XmgrError } from "../../src/errors.js";
import { DESTRUCTIVE_NODES, destructiveNode } from "../../src/commands/adhoc/destructive-nodes.js";
import { safeQuestion } from "../../src/config/prompt.js";
import { Output } from "../../src/output/output.js";

/** A terminal that answers `answer` and remembers what it was asked. */
function terminal(answer: string | undefined): Prompts & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    canAsk: answer !== undefined,
    line: async (question) => (asked.push(question), answer ?? ""),
    secret: async () => "",
  };
}

const deletion = { action: "Delete the account bob@example.com and all its data", typeToConfirm: "bob@example.com" };
const reload = { action: "Reload the module roster on example.com" };

async function refusal(work: Promise<void>): Promise<XmgrError> {
  const error = await work.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(XmgrError);
  return error as XmgrError;
}

describe("confirmOrRefuse", () => {
  test("--yes goes ahead without asking, terminal or not", async () => {
    for (const prompts of [terminal(undefined), terminal("no")]) {
      await confirmOrRefuse(deletion, true, prompts, "xmgr user delete bob@example.com");
      expect(prompts.asked).toEqual([]);
    }
  });

  test("without a terminal: exit 2, says nothing changed and how to go on", async () => {
    const error = await refusal(confirmOrRefuse(deletion, false, terminal(undefined), "xmgr user delete bob@example.com"));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe("Not confirmed: Delete the account bob@example.com and all its data.");
    expect(error.hint).toBe("Nothing was changed. Without a terminal, add --yes: xmgr user delete bob@example.com --yes");
  });

  test("what cannot be undone needs the name typed exactly", async () => {
    const right = terminal("bob@example.com");
    await confirmOrRefuse(deletion, false, right, "x");
    expect(right.asked[0]).toContain("Delete the account bob@example.com and all its data. This cannot be undone.");
    expect(right.asked[0]).toContain("Type bob@example.com to confirm");
    for (const answer of ["y", "yes", "bob", "BOB@example.com", ""]) {
      const error = await refusal(confirmOrRefuse(deletion, false, terminal(answer), "x"));
      expect(error.message).toMatch(/^Cancelled: .*nothing was changed\.$/);
      expect(error.exitCode).toBe(2);
    }
  });

  test("a mistyped confirmation says what was typed and what was expected (issue 23); Enter alone or a no just cancels", async () => {
    const typo = await refusal(confirmOrRefuse(deletion, false, terminal("bob@exmaple.com"), "xmgr user delete bob@example.com"));
    expect(typo.message).toBe('Cancelled: "bob@exmaple.com" is not bob@example.com, which must be typed exactly; nothing was changed.');
    expect(typo.hint).toBe("To go on, run it again and type bob@example.com: xmgr user delete bob@example.com");
    const notYes = await refusal(confirmOrRefuse(reload, false, terminal("yess"), "xmgr module reload roster"));
    expect(notYes.message).toBe('Cancelled: "yess" is neither y nor yes; nothing was changed.');
    expect(notYes.hint).toBe("To go on, run it again and answer y: xmgr module reload roster");
    // The typed text is quoted, control characters escaped.
    expect((await refusal(confirmOrRefuse(deletion, false, terminal("\x1b[2Jbob"), "x"))).message).toContain('"\\u001b[2Jbob"');
    for (const answer of ["", "n", "No"]) {
      expect((await refusal(confirmOrRefuse(reload, false, terminal(answer), "x"))).message).toBe("Cancelled: nothing was changed.");
    }
    expect((await refusal(confirmOrRefuse(deletion, false, terminal(""), "x"))).message).toBe("Cancelled: nothing was changed.");
  });

  test("the rest needs a yes; anything else cancels", async () => {
    for (const answer of ["y", "Y", "yes", " yes "]) await confirmOrRefuse(reload, false, terminal(answer), "x");
    for (const answer of ["", "n", "no", "yess"]) {
      expect((await refusal(confirmOrRefuse(reload, false, terminal(answer), "x"))).message).toMatch(/^Cancelled: .*nothing was changed\.$/);
    }
    const prompts = terminal("y");
    await confirmOrRefuse(reload, false, prompts, "x");
    expect(prompts.asked).toEqual(["Reload the module roster on example.com. Go on? [y/N] "]);
  });
});

describe("the ad-hoc commands adhoc run confirms (destructive-nodes.ts)", () => {
  const ADMIN = "http://jabber.org/protocol/admin";
  const PROSODY = "http://prosody.im/protocol";

  test("the stock commands that delete, lock out, disconnect or stop are confirmed; deletions need the name typed", () => {
    const one = destructiveNode(`${ADMIN}#delete-user`)!({ accountjids: ["bob@example.com"] }, undefined);
    expect(one).toEqual({ action: "Delete the account bob@example.com and all its data", typeToConfirm: "bob@example.com" });
    const two = destructiveNode(`${ADMIN}#delete-user`)!({ accountjids: ["bob@example.com", "eve@example.com", "bob@example.com"] }, undefined);
    expect(two).toEqual({ action: "Delete 2 accounts (bob@example.com, eve@example.com) and all their data", typeToConfirm: "2" });
    const none = destructiveNode(`${ADMIN}#delete-user`)!({}, undefined);
    expect(none.action).toBe("Delete the accounts the form names and all their data");
    expect(destructiveNode(`${PROSODY}/muc#destroy`)!({ rooms: ["old@chat.example.com"] }, "chat.example.com").typeToConfirm).toBe("old@chat.example.com");
    for (const node of [`${ADMIN}#disable-user`, `${ADMIN}#end-user-session`, `${ADMIN}#change-user-password`, `${ADMIN}#shutdown`, `${PROSODY}/hosts#deactivate`]) {
      const confirmation = destructiveNode(node)!({ accountjids: ["bob@example.com"], accountjid: ["bob@example.com"], host: ["chat.example.com"] }, "example.com");
      expect(confirmation.action).not.toBe("");
      expect(confirmation.typeToConfirm).toBeUndefined();
    }
    expect(destructiveNode(`${ADMIN}#shutdown`)!({ delay: ["60"] }, "example.com").action).toBe("Shut down the XMPP server example.com in 60 s, disconnecting every user");
    expect(destructiveNode(`${ADMIN}#end-user-session`)!({ accountjid: ["bob@example.com/phone"] }, "example.com").action).toBe("End the sessions of bob@example.com/phone: their clients are disconnected");
    expect(destructiveNode(`${ADMIN}#change-user-password`)!({ accountjid: ["bob@example.com"] }, "example.com").action).toBe("Set a new password for bob@example.com: the old one stops working");
    // ejabberd's stop commands of one Erlang node, found by the node's shape.
    expect(destructiveNode("running nodes/ejabberd@host/shutdown")!({ delay: ["60"] }, "example.com").action).toBe("Shut down the XMPP server example.com in 60 s, disconnecting every user");
    expect(destructiveNode("running nodes/ejabberd@host/restart")!({}, undefined)).toEqual({ action: "Restart the XMPP server you are logged in to, disconnecting every user" });
    expect(destructiveNode("running nodes/ejabberd@host/backup/restore")!({ path: ["/var/backups/ej.bak"] }, undefined)).toEqual({
      action: "Replace the data of the XMPP server you are logged in to with the backup /var/backups/ej.bak: what changed since that backup is lost",
    });
    expect(DESTRUCTIVE_NODES).toHaveLength(10);
  });

  test("commands that add, read or change reversibly are not, and neither are unknown or look-alike nodes", () => {
    for (const node of [`${ADMIN}#add-user`, `${ADMIN}#reenable-user`, `${ADMIN}#user-stats`, `${ADMIN}#announce`, `${PROSODY}/modules#unload`, `${PROSODY}/hosts#activate`, "uptime", `${ADMIN}#delete-user#`, "toString", "__proto__", "running nodes/ejabberd@host/backup/backup", "running nodes/ejabberd@host/backup/textfile", "running nodes/ejabberd@host/import/file", "running nodes//shutdown", "running nodes/a/b/shutdown", "running nodes/ejabberd@host/shutdown/x"]) {
      expect(destructiveNode(node)).toBeUndefined();
    }
  });
});

describe("what reaches the terminal from a server's words", () => {
  test("a prompt question: each line escaped, its own line breaks kept", () => {
    expect(safeQuestion("Label\u009b2J\u202e (x)\r: ")).toBe("Label\\x9b2J\\u202e (x)\\x0d: ");
    expect(safeQuestion("Delete it. This cannot be undone.\nType a\u2028b to confirm: ")).toBe("Delete it. This cannot be undone.\nType a\\u2028b to confirm: ");
  });

  test("an OK or warning message of several lines: one escaped line each, the rest indented, blank lines dropped", () => {
    const written: string[] = [];
    const stream = { write: (text: string) => (written.push(text), true) } as unknown as NodeJS.WriteStream;
    const output = new Output({ json: false, verbose: false }, stream, stream);
    output.ok("The following accounts were deleted:\nbob@example.com\u009b2J\n\neve@example.com\n");
    output.warn("one\r\ntwo\u0085");
    expect(written).toEqual(["OK: The following accounts were deleted:\n  bob@example.com\\x9b2J\n  eve@example.com\n", "warning: one\n  two\\x85\n"]);
  });
});
