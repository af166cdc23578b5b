import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { checkOffer, missing, strongest } from "../../src/xmpp/login-pin.js";
import { ProfileState } from "../../src/config/state.js";
import { accountKey } from "../../src/jid.js";

const none = { sasl2: false, scramPlus: false, fastBound: false };
const all = { sasl2: true, scramPlus: true, fastBound: true };

describe("login pin", () => {
  test("a pin only grows: the strongest of what was pinned and what is offered", () => {
    expect(strongest(undefined, none)).toEqual(none);
    expect(strongest({ ...none, scramPlus: true }, { ...none, sasl2: true })).toEqual({ sasl2: true, scramPlus: true, fastBound: false });
    expect(strongest(all, none)).toEqual(all);
  });

  test("missing names what the pin has and the offer lacks, nothing without a pin", () => {
    expect(missing(undefined, none)).toEqual([]);
    expect(missing(all, all)).toEqual([]);
    expect(missing(all, { ...all, scramPlus: false })).toEqual(["SCRAM with channel binding (-PLUS)"]);
    expect(missing({ ...none, sasl2: true }, { ...all, sasl2: false })).toEqual(["SASL2"]);
  });

  test("a weaker offer is refused with exit 7 and the pin file to remove; an equal or stronger one passes", () => {
    const options = { account: "alice@example.test", service: "xmpps://127.0.0.1:5223", pinFile: "/state/login-pin-alice@example.test.json" };
    expect(() => checkOffer({ ...options, pin: { ...none, sasl2: true }, offer: all })).not.toThrow();
    let error: unknown;
    try {
      checkOffer({ ...options, pin: all, offer: { ...all, fastBound: false } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ exitCode: 7, message: expect.stringContaining("FAST with channel binding"), hint: expect.stringContaining("rm '/state/login-pin-alice@example.test.json'") });
  });
});

describe("one pin and one FAST token per account, whatever its spelling", () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), "xmgr-pin-"));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));
  const state = () => new ProfileState("default", { XDG_STATE_HOME: base });

  test("accountKey folds the parts as nodeprep/nameprep do, the domain in IDNA's ASCII form", () => {
    expect(accountKey("ALICE@Example.TEST")).toBe("alice@example.test");
    expect(accountKey("Straße@example.test")).toBe(accountKey("STRASSE@example.test"));
    expect(accountKey("ΣΑΣ@example.test")).toBe(accountKey("σας@example.test"));
    expect(accountKey("ﬁ\u00ADnn@example.test")).toBe("finn@example.test");
    expect(accountKey("ａｌｉｃｅ@ＥＸＡＭＰＬＥ.test")).toBe("alice@example.test");
    expect(accountKey("bob@Bücher.example")).toBe("bob@xn--bcher-kva.example");
    expect(accountKey("bob@xn--bcher-kva.example")).toBe("bob@xn--bcher-kva.example");
    // Case folding keeps the dotless i apart from i, as the server does.
    expect(accountKey("ı@example.test")).not.toBe(accountKey("i@example.test"));
  });

  test("the pin and the token saved for one spelling are found under another; the file names are the folded account", () => {
    state().savePin("alice@example.test", all);
    state().saveFastToken("ALICE@example.test", { mechanism: "HT-SHA-256-EXPR", token: "secret-token", expiry: "2030-01-01T00:00:00Z" });
    expect(state().readPin("ALICE@Example.TEST")).toEqual(all);
    expect(state().readFastToken("alice@EXAMPLE.test")?.token).toBe("secret-token");
    expect(readdirSync(state().dir).sort()).toEqual(["fast-token-alice@example.test.json", "login-pin-alice@example.test.json"]);
  });

  test("names that the old sanitising would have merged stay apart: non-ASCII parts are %-encoded", () => {
    expect(basename(state().pinPath("ä@example.test"))).toBe("login-pin-%C3%A4@example.test.json");
    expect(state().pinPath("ä@example.test")).not.toBe(state().pinPath("ö@example.test"));
    expect(basename(state().tokenPath(`${"x".repeat(300)}@example.test`))).toMatch(/^fast-token-[0-9a-f]{64}\.json$/);
  });

  test("migration: pins of an earlier xmgr under other spellings are merged into the account's pin and their files removed", () => {
    const dir = state().dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, "login-pin-ALICE@example.test.json"), JSON.stringify({ ...none, scramPlus: true }), { mode: 0o600 });
    writeFileSync(join(dir, "login-pin-Alice@example.test.json"), JSON.stringify({ ...none, fastBound: true }), { mode: 0o600 });
    writeFileSync(join(dir, "login-pin-bob@example.test.json"), JSON.stringify(none), { mode: 0o600 });
    expect(state().readPin("alice@example.test")).toEqual({ sasl2: false, scramPlus: true, fastBound: true });
    expect(readdirSync(dir).sort()).toEqual(["login-pin-alice@example.test.json", "login-pin-bob@example.test.json"]);
    // Deleting the account's pin file still resets the pin: nothing is migrated twice.
    rmSync(state().pinPath("alice@example.test"));
    expect(state().readPin("alice@example.test")).toBeUndefined();
  });

  test("migration: the newest FAST token of an earlier xmgr under another spelling becomes the account's, older ones are deleted", () => {
    const dir = state().dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const old = join(dir, "fast-token-ALICE@example.test.json");
    const newer = join(dir, "fast-token-Alice@example.test.json");
    writeFileSync(old, JSON.stringify({ mechanism: "HT-SHA-256-EXPR", token: "older", expiry: "" }), { mode: 0o600 });
    writeFileSync(newer, JSON.stringify({ mechanism: "HT-SHA-256-EXPR", token: "newer", expiry: "" }), { mode: 0o600 });
    utimesSync(old, new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(state().readFastToken("alice@example.test")?.token).toBe("newer");
    expect(readdirSync(dir)).toEqual(["fast-token-alice@example.test.json"]);
    expect(state().deleteFastToken("ALICE@example.test")).toBe(true);
    expect(state().readFastToken("alice@example.test")).toBeUndefined();
  });
});
