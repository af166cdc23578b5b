/**
 * xmgr adhoc list / adhoc run against a real Prosody 13 (adhoc, admin_adhoc, announce loaded),
 * through bin/xmgr, with the side effects checked for real: an account made by add-user logs in,
 * an announcement reaches a peer that sent presence, a prompt on a real terminal, Ctrl-C cancels.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginSasl2, stopAll, type Peer } from "../support/peers.js";
import { loginArgs, xmgrUser, type XmgrUser } from "../support/xmgr.js";
import { expectCleanFailure } from "../support/expect-failure.js";
import { TmuxTerminal } from "../support/tmux.js";

const ADMIN = "http://jabber.org/protocol/admin";
const passwords = { admin: "admin-adhoc-pw", alice: "alice-adhoc-pw", bob: "bob-adhoc-pw" };
let tb: Testbed;
let user: XmgrUser;
let bob: Peer;

const asAdmin = (args: string[]) => user.run([...loginArgs(tb, "admin"), ...args], { XMGR_PASSWORD: passwords.admin });
const asAlice = (args: string[]) => user.run([...loginArgs(tb, "alice"), ...args], { XMGR_PASSWORD: passwords.alice });
/** The stanzas xmgr sent (-v), one per line. */
const sent = (stderr: string) => stderr.split("\n").filter((line) => line.startsWith("SEND "));

beforeAll(async () => {
  tb = await startTestbed();
  user = await xmgrUser();
  await Promise.all(Object.entries(passwords).map(([name, password]) => tb.register(name, password)));
  bob = await loginSasl2(tb, { username: "bob", password: passwords.bob, presence: true });
});

afterAll(async () => {
  await stopAll(bob);
  await user?.cleanup();
  await tb?.stop();
});

describe("xmgr adhoc list", () => {
  test("an admin sees the admin commands, as a table and as JSON", async () => {
    const table = await asAdmin(["adhoc", "list"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ http:\/\/jabber\.org\/protocol\/admin#add-user +│ Add User +│/);
    expect(table.stderr).toMatch(/^OK: \d+ commands at example\.test\n$/);
    const json = await asAdmin(["--json", "adhoc", "list"]);
    const listed = JSON.parse(json.stdout) as { jid: string; commands: { node: string; name: string }[] };
    expect(listed.jid).toBe(tb.host);
    expect(listed.commands.map((command) => command.node)).toEqual(expect.arrayContaining([`${ADMIN}#add-user`, `${ADMIN}#delete-user`, "uptime"]));
  });

  test("a plain user sees only what a plain user may run", async () => {
    const result = await asAlice(["--json", "adhoc", "list"]);
    expect(result.code).toBe(0);
    const nodes = (JSON.parse(result.stdout) as { commands: { node: string }[] }).commands.map((command) => command.node);
    expect(nodes).toContain("uptime");
    expect(nodes.filter((node) => node.startsWith(ADMIN))).toEqual([]);
  });
});

describe("xmgr adhoc run", () => {
  test("add-user with every required field goes in one round trip, and the account then logs in", async () => {
    const pwFile = join(user.home, "carol-pw");
    await writeFile(pwFile, "carol-new-pw\n", { mode: 0o600 });
    const result = await asAdmin(["-v", "adhoc", "run", `${ADMIN}#add-user`, `accountjid=carol@${tb.host}`, "--field-file", `password=${pwFile}`, "--field-file", `password-verify=${pwFile}`]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("OK: Account successfully created");
    const commands = sent(result.stderr).filter((line) => line.includes("http://jabber.org/protocol/commands"));
    expect(commands).toHaveLength(1);
    expect(commands[0]).toContain('action="execute"');
    expect(result.stderr).not.toContain("carol-new-pw");
    const carol = await loginSasl2(tb, { username: "carol", password: "carol-new-pw" });
    await stopAll(carol);
  });

  test("a password field given on the command line is refused before anything is sent", async () => {
    const result = await asAdmin(["adhoc", "run", `${ADMIN}#add-user`, `accountjid=dave@${tb.host}`, "password=secret1", "password-verify=secret1"]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toMatch(/password, password-verify are password fields: xmgr takes no secret from the command line/);
    expect(result.stderr).not.toContain("secret1");
    const login = await loginSasl2(tb, { username: "dave", password: "secret1" }).then(stopAll, (error: Error) => error);
    expect(login).toBeInstanceOf(Error);
  });

  test("a result form comes out as a field/value table: the online users", async () => {
    const result = await asAdmin(["adhoc", "run", `${ADMIN}#get-online-users-list`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/│ Field +│ Value +│/);
    expect(result.stdout).toContain(`bob@${tb.host}`);
    const json = JSON.parse((await asAdmin(["--json", "adhoc", "run", `${ADMIN}#get-online-users-list`])).stdout) as { status: string; fields: { var: string; values: string[] }[] };
    expect(json.status).toBe("completed");
    expect(json.fields.find((field) => field.var === "onlineuserjids")?.values).toContain(`bob@${tb.host}`);
  });

  test("a missing required field without a terminal is a usage error that names it", async () => {
    const result = await asAdmin(["-v", "adhoc", "run", `${ADMIN}#user-stats`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/! Missing required field: accountjid\./);
    // the form was fetched, and the session it opened cancelled
    expect(sent(result.stderr).some((line) => /action="cancel"/.test(line))).toBe(true);
  });

  test("announce takes two stages and reaches a user who sent presence", async () => {
    const since = bob.received.length;
    const result = await asAdmin(["-v", "adhoc", "run", `${ADMIN}#announce`, "subject=Maintenance", "announcement=Back in 5 minutes"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/OK: Announcement sent to \d+ online users?/);
    const stages = sent(result.stderr).filter((line) => line.includes("http://jabber.org/protocol/commands"));
    expect(stages.map((line) => /action="(\w+)"/.exec(line)?.[1])).toEqual(["execute", "complete"]);
    const headline = await bob.waitFor((stanza) => stanza.name === "message" && stanza.attrs.type === "headline", 5000, since);
    expect(headline.getChildText("subject")).toBe("Maintenance");
    expect(headline.getChildText("body")).toBe("Back in 5 minutes");
  });

  test("a command a plain user may not run: exit 5, needs a server admin", async () => {
    const result = await asAlice(["adhoc", "run", `${ADMIN}#user-stats`, `accountjid=bob@${tb.host}`]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toContain("You don't have permission to execute this command");
    expect(result.stderr).toMatch(/needs a server admin/);
  });

  test("an error note: a non-zero exit with the server's text", async () => {
    const result = await asAdmin(["adhoc", "run", `${ADMIN}#user-stats`, `accountjid=nobody@${tb.host}`]);
    expectCleanFailure(result, 1);
    expect(result.stderr).toContain("! User does not exist");
  });

  test("a node the server does not have: exit 5, it does not offer it", async () => {
    const result = await asAdmin(["adhoc", "run", `${ADMIN}#no-such-command`]);
    expectCleanFailure(result, 5);
    expect(result.stderr).toMatch(/does not offer/);
  });
});

describe("xmgr adhoc run on a terminal", () => {
  test("asks for a missing required field, and runs the command with it", async () => {
    const term = new TmuxTerminal(user.home, user.env);
    try {
      await term.start([...loginArgs(tb, "admin"), "adhoc", "run", `${ADMIN}#user-stats`], { XMGR_PASSWORD: passwords.admin });
      await term.contains(/accountjid\): $/m);
      await term.type(`bob@${tb.host}`);
      await term.keys("Enter");
      const screen = await term.contains("[exit 0]");
      expect(screen).toMatch(/│ Roster size +│ 0 +│/);
    } finally {
      await term.kill();
    }
  });

  test("Ctrl-C at the question cancels the command's session on the server, exit 130", async () => {
    const term = new TmuxTerminal(user.home, user.env);
    try {
      await term.start([...loginArgs(tb, "admin"), "-v", "adhoc", "run", `${ADMIN}#user-stats`], { XMGR_PASSWORD: passwords.admin });
      await term.contains(/accountjid\): $/m);
      await term.keys("C-c");
      const screen = await term.contains(/\[exit [1-9]\d*\]/);
      expect(screen).toContain("[exit 130]");
      expect(screen).toMatch(/SEND <iq[^\n]*action="cancel"/);
      expect(screen).toMatch(/RECV <iq[^\n]*status="canceled"/);
    } finally {
      await term.kill();
    }
  });
});

test("a field file others may read is refused", async () => {
  const pwFile = join(user.home, "open-pw");
  await writeFile(pwFile, "pw\n");
  await chmod(pwFile, 0o644);
  const result = await asAdmin(["adhoc", "run", `${ADMIN}#add-user`, `accountjid=erin@${tb.host}`, "--field-file", `password=${pwFile}`]);
  expectCleanFailure(result, 2);
  expect(result.stderr).toContain("chmod 600");
});
