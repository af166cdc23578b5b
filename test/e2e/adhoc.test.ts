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
import { loginArgs, tsvRecords, xmgrUser, type XmgrUser } from "../support/xmgr.js";
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
  test("an admin sees the admin commands, as a table (tab-separated in a pipe) and as JSON", async () => {
    const table = await asAdmin(["adhoc", "list"]);
    expect(table.code).toBe(0);
    expect(tsvRecords(table.stdout)).toContainEqual({ Node: "http://jabber.org/protocol/admin#add-user", Name: "Add User" });
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
    expect(result.stdout.split("\n")[0]).toBe("Field\tValue");
    expect(tsvRecords(result.stdout).map((row) => row.Value).join("\n")).toContain(`bob@${tb.host}`);
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
    const headline = await bob.waitFor((stanza) => stanza.name === "message" && stanza.attrs.type === "headline", 20_000, since);
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

describe("xmgr adhoc run confirms destructive commands as the dedicated commands do (issue 22)", () => {
  const logsIn = (name: string, password: string) => loginSasl2(tb, { username: name, password }).then(stopAll).then(() => true, () => false);
  const deleteUser = (name: string) => [`${ADMIN}#delete-user`, `accountjids=${name}@${tb.host}`];

  test("delete-user without --yes and without a terminal: exit 2, nothing sent (not even a login), the account still logs in", async () => {
    await tb.register("doomed1", "doomed1-pw");
    const result = await asAdmin(["-v", "adhoc", "run", ...deleteUser("doomed1")]);
    expectCleanFailure(result, 2);
    expect(result.stderr).toContain(`! Not confirmed: Delete the account doomed1@${tb.host} and all its data.`);
    expect(result.stderr).toContain(`-v adhoc run '${ADMIN}#delete-user' accountjids=doomed1@${tb.host} --yes\n`);
    expect(sent(result.stderr)).toEqual([]);
    expect(await logsIn("doomed1", "doomed1-pw")).toBe(true);
  });

  test("every node known to be destructive is refused the same way without a terminal; nothing is sent", async () => {
    await tb.register("locked1", "locked1-pw");
    const pwFile = join(user.home, "locked1-new-pw");
    await writeFile(pwFile, "locked1-new-pw\n", { mode: 0o600 });
    const runs = [
      [`${ADMIN}#disable-user`, `accountjids=locked1@${tb.host}`],
      [`${ADMIN}#end-user-session`, `accountjids=locked1@${tb.host}`],
      [`${ADMIN}#change-user-password`, `accountjid=locked1@${tb.host}`, "--field-file", `password=${pwFile}`],
      [`${ADMIN}#shutdown`],
      ["http://prosody.im/protocol/hosts#deactivate", `host=${tb.mucHost}`],
      ["--to", tb.mucHost, "http://prosody.im/protocol/muc#destroy", `rooms=old@${tb.mucHost}`],
    ];
    for (const run of runs) {
      const result = await asAdmin(["-v", "adhoc", "run", ...run]);
      expectCleanFailure(result, 2);
      expect(result.stderr).toMatch(/! Not confirmed: .*\n {2}Nothing was changed\. Without a terminal, add --yes/);
      expect(sent(result.stderr)).toEqual([]);
    }
    expect(await logsIn("locked1", "locked1-pw")).toBe(true);
  });

  test("delete-user with --yes: deleted, and the account no longer logs in", async () => {
    await tb.register("doomed2", "doomed2-pw");
    const result = await asAdmin(["adhoc", "run", ...deleteUser("doomed2"), "--yes"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`OK: The following accounts were successfully deleted:\n  doomed2@${tb.host}\n`);
    expect(await logsIn("doomed2", "doomed2-pw")).toBe(false);
  });

  test("a command not known to be destructive still runs without --yes and without a terminal", async () => {
    const result = await asAdmin(["adhoc", "run", `${ADMIN}#user-stats`, `accountjid=bob@${tb.host}`]);
    expect(result.code).toBe(0);
    expect(tsvRecords(result.stdout)).toContainEqual({ Field: "Roster size", Value: "0" });
  });

  test("in xmgr shell -c: without --yes refused (exit 2), the account still logs in; with --yes deleted", async () => {
    await tb.register("doomed3", "doomed3-pw");
    const refused = await asAdmin(["shell", "-c", `adhoc run ${deleteUser("doomed3").join(" ")}`]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`! Not confirmed: Delete the account doomed3@${tb.host} and all its data.`);
    expect(await logsIn("doomed3", "doomed3-pw")).toBe(true);
    const deleted = await asAdmin(["shell", "-c", `adhoc run ${deleteUser("doomed3").join(" ")} --yes`]);
    expect(deleted.code).toBe(0);
    expect(deleted.stderr).toContain(`doomed3@${tb.host}`);
    expect(await logsIn("doomed3", "doomed3-pw")).toBe(false);
  });
});

describe("xmgr adhoc run's confirmation on a terminal (issue 22)", () => {
  const logsIn = (name: string, password: string) => loginSasl2(tb, { username: name, password }).then(stopAll).then(() => true, () => false);

  test("delete-user: the account must be typed; a wrong answer changes nothing (exit 2), the JID deletes", async () => {
    await tb.register("doomed4", "doomed4-pw");
    const jid = `doomed4@${tb.host}`;
    const wrong = new TmuxTerminal(user.home, user.env);
    try {
      await wrong.start([...loginArgs(tb, "admin"), "adhoc", "run", `${ADMIN}#delete-user`, `accountjids=${jid}`], { XMGR_PASSWORD: passwords.admin });
      await wrong.contains(`Delete the account ${jid} and all its data. This cannot be undone.\nType ${jid} to confirm: `);
      await wrong.type("y");
      await wrong.keys("Enter");
      expect(await wrong.contains("[exit 2]")).toContain(`Cancelled: "y" is not ${jid}, which must be typed exactly; nothing was changed.`);
    } finally {
      await wrong.kill();
    }
    expect(await logsIn("doomed4", "doomed4-pw")).toBe(true);
    const right = new TmuxTerminal(user.home, user.env);
    try {
      await right.start([...loginArgs(tb, "admin"), "adhoc", "run", `${ADMIN}#delete-user`, `accountjids=${jid}`], { XMGR_PASSWORD: passwords.admin });
      await right.contains(`Type ${jid} to confirm: `);
      await right.type(jid);
      await right.keys("Enter");
      expect(await right.contains("[exit 0]")).toContain("OK: The following accounts were successfully deleted:");
    } finally {
      await right.kill();
    }
    expect(await logsIn("doomed4", "doomed4-pw")).toBe(false);
  });

  test("delete-user with the account asked for: the question comes after the form is filled, before it is submitted", async () => {
    await tb.register("doomed5", "doomed5-pw");
    const jid = `doomed5@${tb.host}`;
    const term = new TmuxTerminal(user.home, user.env);
    try {
      await term.start([...loginArgs(tb, "admin"), "-v", "adhoc", "run", `${ADMIN}#delete-user`], { XMGR_PASSWORD: passwords.admin });
      await term.contains(/accountjids\), several separated by commas: $/m);
      await term.type(jid);
      await term.keys("Enter");
      await term.contains(`Type ${jid} to confirm: `);
      await term.keys("C-c");
      const screen = await term.contains(/\[exit [1-9]\d*\]/);
      expect(screen).not.toMatch(/SEND <iq[^\n]*action="complete"/);
      expect(screen).toMatch(/SEND <iq[^\n]*action="cancel"/);
    } finally {
      await term.kill();
    }
    expect(await logsIn("doomed5", "doomed5-pw")).toBe(true);
  });

  test("inside an interactive xmgr shell: the same question, and a wrong answer deletes nothing", async () => {
    await tb.register("doomed6", "doomed6-pw");
    const jid = `doomed6@${tb.host}`;
    const term = new TmuxTerminal(user.home, user.env);
    try {
      await term.start([...loginArgs(tb, "admin"), "shell"], { XMGR_PASSWORD: passwords.admin });
      await term.contains("> ");
      await term.type(`adhoc run ${ADMIN}#delete-user accountjids=${jid}`);
      await term.keys("Enter");
      await term.contains(`Type ${jid} to confirm: `);
      await term.type("no");
      await term.keys("Enter");
      await term.contains(`Cancelled: "no" is not ${jid}, which must be typed exactly; nothing was changed.`);
      await term.type("quit");
      await term.keys("Enter");
      await term.contains(/\[exit \d+\]/);
    } finally {
      await term.kill();
    }
    expect(await logsIn("doomed6", "doomed6-pw")).toBe(true);
  });
});
