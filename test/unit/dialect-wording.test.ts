// Issue 24: what xmgr says to an admin comes from the dialect of the server it talks to. No text
// of the ejabberd or the generic dialect names Prosody or its modules; the generic one names no
// server software at all; the Prosody one keeps Prosody's words.
import { describe, expect, test } from "@jest/globals";
import type { Dialect } from "../../src/protocol/dialects/dialect.js";
import { EJABBERD } from "../../src/protocol/dialects/ejabberd.js";
import { GENERIC } from "../../src/protocol/dialects/generic.js";
import { PROSODY } from "../../src/protocol/dialects/prosody.js";
import { ADMIN_HINT } from "../../src/protocol/adhoc.js";
import { LISTENER_HINT } from "../../src/xmpp/failures.js";
import { inKeptServerWords } from "../../src/commands/server-dialect.js";
import { XmgrError } from "../../src/errors.js";
import { needsOperatorOn } from "../../src/commands/refusal-texts.js";

const PROSODY_WORDS = /prosody|mod_uptime|modules_enabled|component_admins_as_room_owners|~RANDOM/i;

/** Every text a dialect's hints produce, for an account and a host. */
function hintTexts(dialect: Dialect): string[] {
  const { hints } = dialect;
  return [
    hints.admin,
    hints.listener,
    hints.resource("alice@example.test"),
    hints.stop,
    hints.incompleteShutdown,
    hints.kickNotAllowed,
    hints.missingQuery?.("uptime", "example.test"),
    hints.missingQuery?.("version", "conference.example.test"),
  ].filter((text): text is string => text !== undefined);
}

describe("the hints of each dialect", () => {
  test("ejabberd's name no Prosody words, and name ejabberd's own ways (the admin ACL, mod_last, NAME.RANDOM)", () => {
    const texts = hintTexts(EJABBERD);
    for (const text of texts) expect(text).not.toMatch(PROSODY_WORDS);
    expect(EJABBERD.hints.admin).toContain("`admin` ACL");
    expect(EJABBERD.hints.missingQuery?.("uptime", "example.test")).toContain("mod_last");
    expect(EJABBERD.hints.resource("alice@example.test")).toContain("NAME.RANDOM");
    expect(EJABBERD.hints.kickNotAllowed).toBeUndefined();
  });

  test("the generic dialect's name no server software (an unknown server)", () => {
    for (const text of hintTexts(GENERIC)) expect(text).not.toMatch(/prosody|ejabberd|mod_/i);
    expect(GENERIC.hints.missingQuery).toBeUndefined();
  });

  test("Prosody's keep Prosody's words: the admins list, mod_uptime, NAME~RANDOM, the kick rule", () => {
    expect(PROSODY.hints.admin).toBe(ADMIN_HINT);
    expect(PROSODY.hints.missingQuery?.("uptime", "example.test")).toBe("Load mod_uptime on example.test.");
    expect(PROSODY.hints.resource("alice@example.test")).toContain("NAME~RANDOM");
    expect(PROSODY.hints.resource("alice@example.test")).toContain("accountjid=alice@example.test");
    expect(PROSODY.hints.kickNotAllowed).toContain("Prosody does not let a moderator kick an owner");
  });

  test("the operator refusal names prosody:operator only where Prosody's roles exist", () => {
    expect(needsOperatorOn(PROSODY, "a@x", "shut down the server")).toContain("prosody:operator");
    expect(needsOperatorOn(EJABBERD, "a@x", "shut down the server")).toBe("a@x may not shut down the server: it needs a server admin.");
    expect(needsOperatorOn(GENERIC, "a@x", "shut down the server")).not.toMatch(/prosody/i);
  });

  test("the MUC way is the dialect's: Prosody's ad-hoc commands, elsewhere plain XEP-0045", () => {
    expect(PROSODY.mucAdmin).toBe("adhoc");
    expect(EJABBERD.mucAdmin).toBe("xep0045");
    expect(GENERIC.mucAdmin).toBe("xep0045");
    expect(EJABBERD.mucItemsShowHidden).toBe(true);
    expect(PROSODY.mucItemsShowHidden).toBe(false);
  });
});

describe("a refused connection before any login", () => {
  const refused = () => new XmgrError("connection", "Cannot connect to 127.0.0.1:1: connection refused.", LISTENER_HINT);

  test("names no software where nothing is kept for the host (the generic dialect's words)", () => {
    expect(LISTENER_HINT).toBe(GENERIC.hints.listener);
    const error = inKeptServerWords(refused(), () => undefined, "example.test") as XmgrError;
    expect(error.hint).toBe(GENERIC.hints.listener);
  });

  test("names the software kept for the host from an earlier login, with the same message and exit code", () => {
    const kept = (dialect: string) => () => ({ mark: "0".repeat(32), dialect: dialect as "ejabberd" });
    const onEjabberd = inKeptServerWords(refused(), kept("ejabberd"), "example.test") as XmgrError;
    expect(onEjabberd).toBeInstanceOf(XmgrError);
    expect(onEjabberd.message).toBe(refused().message);
    expect(onEjabberd.exitCode).toBe(refused().exitCode);
    expect(onEjabberd.hint).toBe(EJABBERD.hints.listener);
    expect((inKeptServerWords(refused(), kept("prosody"), "example.test") as XmgrError).hint).toBe(PROSODY.hints.listener);
  });

  test("other errors pass unchanged", () => {
    const other = new XmgrError("tls", "TLS failed.");
    expect(inKeptServerWords(other, () => ({ mark: "x", dialect: "ejabberd" }), "example.test")).toBe(other);
  });
});
