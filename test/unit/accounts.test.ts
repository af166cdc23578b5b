// Pure parts of issue 14's commands: reading mod_admin_adhoc's answers, the user list pattern, the
// new-password sources, and the -v trace of a form carrying a password.
import { describe, expect, test } from "@jest/globals";
import xml from "@xmpp/xml";
import { succeededAccounts, parseAccounts, byHost } from "../../src/commands/user/admin-accounts.js";
import { parseOnlineList } from "../../src/commands/c2s/online.js";
import { newPassword, randomPassword } from "../../src/commands/user/new-password.js";
import { redactedXml } from "../../src/xmpp/trace.js";
import type { Prompts } from "../../src/commands/define.js";

describe("succeededAccounts (delete/disable/enable/end-session notes)", () => {
  test("both sections in one note, as Prosody writes them", () => {
    const note = "The following accounts were successfully deleted:\nalice@example.test\nBob@example.test\nThe following accounts could not be deleted:\nnobody@example.test";
    expect([...succeededAccounts(note)]).toEqual(["alice@example.test", "bob@example.test"]);
  });
  test("only failures, or an empty success list", () => {
    expect(succeededAccounts("The following accounts could not be disabled:\nnobody@example.test").size).toBe(0);
    expect(succeededAccounts("The following accounts were successfully disabled:\n").size).toBe(0);
  });
});

describe("parseAccounts / byHost", () => {
  test("repeats dropped case-insensitively; grouped by host in order", () => {
    const accounts = parseAccounts(["a@x.test", "A@X.test", "b@y.test", "c@x.test"]);
    expect(accounts.map((jid) => `${jid.local}@${jid.domain}`)).toEqual(["a@x.test", "b@y.test", "c@x.test"]);
    expect([...byHost(accounts).keys()]).toEqual(["x.test", "y.test"]);
  });
  test("a full JID or garbage is a usage error", () => {
    expect(() => parseAccounts(["a@x.test/res"])).toThrow(/bare JID/);
    expect(() => parseAccounts(["nope"])).toThrow(/the domain is missing/);
  });
});

describe("parseOnlineList (get-online-users-list with details)", () => {
  test("the facts page's lines: show (available is prosodyctl's online), priority, no presence (no show)", () => {
    const values = [
      "alice@example.test",
      " - laptop~SwTeo/sGU/mX: unavailable(-), IP: [127.0.0.1]",
      " - phone~CIW2x5YFG+cp: away(5), IP: [127.0.0.1]",
      "bob@example.test",
      " - desk~0Y3ig0wHmweq: available(0), IP: [::1]",
    ];
    expect(parseOnlineList(values)).toEqual([
      { account: "alice@example.test", resource: "laptop~SwTeo/sGU/mX", ip: "127.0.0.1" },
      { account: "alice@example.test", resource: "phone~CIW2x5YFG+cp", show: "away", priority: 5, ip: "127.0.0.1" },
      { account: "bob@example.test", resource: "desk~0Y3ig0wHmweq", show: "online", priority: 0, ip: "::1" },
    ]);
  });
  test("a resource holding ': ' and a negative priority", () => {
    expect(parseOnlineList(["a@x.test", " - odd: name~x: dnd(-1), IP: [10.0.0.1]"])).toEqual([
      { account: "a@x.test", resource: "odd: name~x", show: "dnd", priority: -1, ip: "10.0.0.1" },
    ]);
  });
});

describe("new passwords", () => {
  const prompts = (answers: string[], canAsk = true): Prompts => ({ canAsk, line: async () => answers.shift()!, secret: async () => answers.shift()! });

  test("random: 24 URL-safe characters, different each time", () => {
    const a = randomPassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(randomPassword()).not.toBe(a);
  });
  test("typed twice on a terminal; a mismatch or an empty one is asked again, and after 3 tries nothing changes", async () => {
    await expect(newPassword({}, prompts(["s3cret-pw", "s3cret-pw"]), "a@x.test", false)).resolves.toEqual({ password: "s3cret-pw", generated: false });
    await expect(newPassword({}, prompts(["one-pw", "two-pw", "", "pw-3", "pw-3"]), "a@x.test", false)).resolves.toEqual({ password: "pw-3", generated: false });
    await expect(newPassword({}, prompts(["one-pw", "two-pw", "one-pw", "two-pw", "one-pw", "two-pw"]), "a@x.test", false)).rejects.toThrow(/differ\. Tried 3 times: nothing was changed/);
    await expect(newPassword({}, prompts(["", "", ""]), "a@x.test", false)).rejects.toThrow(/empty\. Tried 3 times/);
  });
  test("no source without a terminal, both sources, or stdin in the shell: usage errors", async () => {
    await expect(newPassword({}, prompts([], false), "a@x.test", false)).rejects.toMatchObject({ exitCode: 2 });
    await expect(newPassword({ randomPassword: true, newPasswordFile: "f" }, prompts([]), "a@x.test", false)).rejects.toThrow(/not both/);
    await expect(newPassword({ newPasswordFile: "-" }, prompts([]), "a@x.test", true)).rejects.toThrow(/stdin holds the commands/);
  });
});

test("the -v trace hides the values of a form's password fields, and only those", () => {
  const iq = xml("iq", { type: "set" }, xml("command", { xmlns: "http://jabber.org/protocol/commands" },
    xml("x", { xmlns: "jabber:x:data", type: "submit" },
      xml("field", { var: "accountjid" }, xml("value", {}, "carol@example.test")),
      xml("field", { var: "password" }, xml("value", {}, "hunter2-secret")),
      xml("field", { var: "password-verify" }, xml("value", {}, "hunter2-secret")),
      xml("field", { var: "pin", type: "text-private" }, xml("value", {}, "1234-secret")))));
  const traced = redactedXml(iq);
  expect(traced).not.toContain("hunter2-secret");
  expect(traced).not.toContain("1234-secret");
  expect(traced).toContain("<value>carol@example.test</value>");
  expect(traced.match(/\[redacted\]/g)).toHaveLength(3);
});
