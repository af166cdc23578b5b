/**
 * A new user's first hour, with the built bin/xmgr against a real Prosody 13: `xmgr login` (options
 * or a terminal's questions) checks the login, saves the FAST token and writes the profile; later
 * runs need neither options nor the password; `xmgr whoami` says what they use; the config file is
 * refused for its mode only when it holds a secret; `~/` in its file keys is the home folder; an
 * unknown profile names the ones there are.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginArgs, xmgrUser, type XmgrUser } from "../support/xmgr.js";
import { TmuxTerminal } from "../support/tmux.js";

const PASSWORD = "first-hour-pw";

let tb: Testbed;
const users: XmgrUser[] = [];
const terminals: TmuxTerminal[] = [];

async function newUser(): Promise<XmgrUser> {
  const user = await xmgrUser();
  users.push(user);
  return user;
}

beforeAll(async () => {
  tb = await startTestbed();
  await Promise.all([tb.register("alice", PASSWORD), tb.register("admin", PASSWORD)]);
});

afterAll(async () => {
  await Promise.all(terminals.map((term) => term.kill()));
  await Promise.all(users.map((user) => user.cleanup()));
  await tb?.stop();
});

describe("xmgr login and whoami", () => {
  test("login with --jid/--server/--ca writes the profile (0600, no password) and later runs need neither options nor the password", async () => {
    const user = await newUser();
    const [, , , serverOption, , caOption] = loginArgs(tb, "alice");
    const login = await user.run([...loginArgs(tb, "alice"), "login"], { XMGR_PASSWORD: PASSWORD });
    expect(login.code).toBe(0);
    expect(login.stderr).toContain(`OK: Logged in as alice@${tb.host}; profile default saved in `);
    expect(login.stderr).toMatch(/The server gave a FAST token \(HT-SHA-256-\S+\): the next runs log in without the password/);
    const configFile = join(user.configDir, "config");
    const config = await readFile(configFile, "utf8");
    expect(config).toBe(`[default]\njid = alice@${tb.host}\nserver = ${serverOption}\nca = ${caOption}\n`);
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    expect(config).not.toContain(PASSWORD);

    const later = await user.run(["server", "uptime"]);
    expect(later.stderr).toBe("");
    expect(later.code).toBe(0);
    expect(later.stdout).toContain(`${tb.host} has been running for`);

    const whoami = await user.run(["--json", "whoami"]);
    expect(whoami.code).toBe(0);
    const shown = JSON.parse(whoami.stdout) as Record<string, unknown> & { fastToken: { mechanism: string; valid: boolean } };
    expect(shown).toMatchObject({ profile: "default", configFile, jid: `alice@${tb.host}`, server: serverOption, ca: caOption });
    expect(shown.fastToken.mechanism).toMatch(/^HT-SHA-256-/);
    expect(shown.fastToken.valid).toBe(true);
    const text = await user.run(["whoami"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Account: +alice@${tb.host.replace(/\./g, "\\.")}$`, "m"));
    expect(text.stdout).toMatch(/^Login: +FAST token HT-SHA-256-\S+, saved \d+ seconds? ago, valid until /m);
  });

  test("login into a new profile adds its section and keeps the rest of the file; a failed login writes nothing", async () => {
    const user = await newUser();
    await mkdir(user.configDir, { recursive: true, mode: 0o700 });
    const configFile = join(user.configDir, "config");
    const before = "# mine\n[default]\ntimeout = 30\n";
    await writeFile(configFile, before, { mode: 0o600 });
    const refused = await user.run([...loginArgs(tb, "alice"), "--profile", "staging", "login"], { XMGR_PASSWORD: "wrong" });
    expect(refused.code).toBe(3);
    expect(await readFile(configFile, "utf8")).toBe(before);
    const login = await user.run([...loginArgs(tb, "alice"), "--profile", "staging", "login"], { XMGR_PASSWORD: PASSWORD });
    expect(login.code).toBe(0);
    expect(login.stderr).toContain("profile staging saved in");
    expect(await readFile(configFile, "utf8")).toBe(`${before}\n[profile staging]\njid = alice@${tb.host}\nserver = 127.0.0.1:${tb.c2sPort}\nca = ${tb.caFile}\n`);
    const later = await user.run(["--profile", "staging", "server", "uptime"]);
    expect(later.code).toBe(0);
  });

  test("on a terminal, login asks for the account, server, CA and password, then later runs need none of them", async () => {
    const user = await newUser();
    const term = new TmuxTerminal(user.home, user.env);
    terminals.push(term);
    await term.start(["login"]);
    await term.contains("Account (user@domain):");
    await term.type(`alice@${tb.host}`);
    await term.keys("Enter");
    await term.contains("Server (HOST[:PORT], xmpps://HOST[:PORT]) (blank: found from the domain's DNS):");
    await term.type(`127.0.0.1:${tb.c2sPort}`);
    await term.keys("Enter");
    await term.contains("(blank: the system's CAs):");
    await term.type(tb.caFile);
    await term.keys("Enter");
    await term.contains("Password:");
    await term.type(PASSWORD);
    await term.keys("Enter");
    const screen = await term.contains("[exit ");
    expect(screen).toContain("[exit 0]");
    expect(screen).not.toContain(PASSWORD);
    expect(await readFile(join(user.configDir, "config"), "utf8")).toContain(`jid = alice@${tb.host}\n`);
    const later = await user.run(["server", "uptime"]);
    expect(later.code).toBe(0);
  });

  test("whoami without an account says to run xmgr login (exit 2); `login` is a command, not a near miss of logout", async () => {
    const user = await newUser();
    const whoami = await user.run(["whoami"]);
    expect(whoami.code).toBe(2);
    expect(whoami.stderr).toContain("No account configured for profile default.");
    expect(whoami.stderr).toContain("xmgr login");
    const help = await user.run(["login", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: xmgr login /);
    const noJid = await user.run(["login"]);
    expect(noJid.code).toBe(2);
    expect(noJid.stderr).toContain("--jid");
  });
});

describe("the config file", () => {
  test("readable by others but holding no secret is used; holding a password it is refused with the chmod", async () => {
    const user = await newUser();
    await mkdir(user.configDir, { recursive: true, mode: 0o700 });
    const configFile = join(user.configDir, "config");
    await writeFile(configFile, `[default]\njid = alice@${tb.host}\nserver = 127.0.0.1:${tb.c2sPort}\nca = ${tb.caFile}\n`);
    await chmod(configFile, 0o644);
    const used = await user.run(["server", "uptime"], { XMGR_PASSWORD: PASSWORD });
    expect(used.stderr).toBe("");
    expect(used.code).toBe(0);
    await writeFile(configFile, `[default]\njid = alice@${tb.host}\npassword = ${PASSWORD}\n`);
    await chmod(configFile, 0o644);
    const refused = await user.run(["server", "uptime"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`chmod 600 '${configFile}'`);
    expect(refused.stderr).not.toContain(PASSWORD);
    await chmod(configFile, 0o664);
    await writeFile(configFile, `[default]\njid = alice@${tb.host}\n`);
    const writable = await user.run(["whoami"]);
    expect(writable.code).toBe(2);
    expect(writable.stderr).toContain(`chmod 600 '${configFile}'`);
  });

  test("~/ in password_file and ca is the home folder", async () => {
    const user = await newUser();
    await mkdir(user.configDir, { recursive: true, mode: 0o700 });
    await writeFile(join(user.home, "pw"), `${PASSWORD}\n`, { mode: 0o600 });
    await writeFile(join(user.home, "ca.pem"), await readFile(tb.caFile));
    await writeFile(join(user.configDir, "config"), `[default]\njid = alice@${tb.host}\nserver = 127.0.0.1:${tb.c2sPort}\nca = ~/ca.pem\npassword_file = ~/pw\n`, { mode: 0o600 });
    const result = await user.run(["server", "uptime"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  test("an unknown --profile names the profiles the file has", async () => {
    const user = await newUser();
    await mkdir(user.configDir, { recursive: true, mode: 0o700 });
    await writeFile(join(user.configDir, "config"), `[default]\njid = alice@${tb.host}\n[profile staging]\n[profile prod]\n`, { mode: 0o600 });
    const result = await user.run(["--profile", "stagign", "server", "uptime"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Profile "stagign" not found');
    expect(result.stderr).toContain("its profiles are staging, prod (and default)");
  });
});

describe("names as the user types them and as the server stores them", () => {
  const asAdmin = (user: XmgrUser, args: string[]) => user.run([...loginArgs(tb, "admin"), ...args], { XMGR_PASSWORD: PASSWORD });

  test("a login JID without a domain says that the domain is missing (exit 2)", async () => {
    const user = await newUser();
    const result = await user.run(["--jid", "admin", "server", "uptime"], { XMGR_PASSWORD: PASSWORD });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid login JID "admin": the domain is missing (expected user@domain).');
  });

  test("an account without a domain is at the login's domain, as prosodyctl users expect", async () => {
    const user = await newUser();
    const created = await asAdmin(user, ["user", "create", "carol", "--random-password"]);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain(`Created carol@${tb.host}`);
    const listed = await tb.prosodyctl(["shell", "user", "list", tb.host]);
    expect(listed.stdout).toContain(`carol@${tb.host}`);
    const info = await asAdmin(user, ["--json", "user", "info", "carol"]);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain(`carol@${tb.host}`);
  });

  test("user create Straße@… prints the account the server created: strasse@…", async () => {
    const user = await newUser();
    const created = await asAdmin(user, ["user", "create", `Straße@${tb.host}`, "--random-password"]);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain(`Created strasse@${tb.host} `);
    const listed = await tb.prosodyctl(["shell", "user", "list", tb.host]);
    expect(listed.stdout).toContain(`strasse@${tb.host}`);
    expect(listed.stdout).not.toContain("Straße");
  });

  test("a room without its service: with two MUC services xmgr says how to name it; with one it is that service's room", async () => {
    const user = await newUser();
    const ambiguous = await asAdmin(user, ["muc", "info", "lobby"]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(`The room "lobby" has no service, and xmgr cannot pick one: ${tb.host} has 2 MUC services`);
    expect(ambiguous.stderr).toContain("Name the room in full: lobby@SERVICE");
    const off = await tb.prosodyctl(["shell", "host", "deactivate", tb.mucOwnersHost]);
    expect(off.code).toBe(0);
    try {
      const created = await asAdmin(user, ["muc", "create", "lobby", "--persistent"]);
      expect(created.stderr).toContain(`lobby@${tb.mucHost}`);
      expect(created.code).toBe(0);
      const info = await asAdmin(user, ["--json", "muc", "info", "lobby"]);
      expect(info.code).toBe(0);
      expect(info.stdout).toContain(`lobby@${tb.mucHost}`);
    } finally {
      await tb.prosodyctl(["shell", "host", "activate", tb.mucOwnersHost]);
    }
  });
});

describe("typing a new password on a terminal", () => {
  test("two passwords that differ are asked again instead of aborting; the matching pair creates the account", async () => {
    const user = await newUser();
    const term = new TmuxTerminal(user.home, user.env);
    terminals.push(term);
    await term.start([...loginArgs(tb, "admin"), "user", "create", `dora@${tb.host}`], { XMGR_PASSWORD: PASSWORD });
    await term.contains(`New password for dora@${tb.host}:`);
    await term.type("first-try");
    await term.keys("Enter");
    await term.contains("Type it again:");
    await term.type("frist-try");
    await term.keys("Enter");
    await term.contains(`The two passwords differ. New password for dora@${tb.host}:`);
    await term.type("second-try");
    await term.keys("Enter");
    await term.contains(/Type it again:[^]*Type it again:/);
    await term.type("second-try");
    await term.keys("Enter");
    const screen = await term.contains("[exit ");
    expect(screen).toContain(`Created dora@${tb.host}`);
    expect(screen).toContain("[exit 0]");
    const listed = await tb.prosodyctl(["shell", "user", "list", tb.host]);
    expect(listed.stdout).toContain(`dora@${tb.host}`);
  });
});

describe("tables on a narrow terminal", () => {
  test("at 60 columns user clients' table fits: no line wider than the terminal, the client id all there", async () => {
    // An account of its own: its few clients all fit on the 50 lines of the window.
    await tb.register("narrow", PASSWORD);
    const user = await newUser();
    const first = await user.run([...loginArgs(tb, "narrow"), "--json", "user", "clients", `narrow@${tb.host}`], { XMGR_PASSWORD: PASSWORD });
    expect(first.code).toBe(0);
    const ids = (JSON.parse(first.stdout) as { clients: { id: string }[] }).clients.map((client) => client.id);
    const term = new TmuxTerminal(user.home, user.env);
    terminals.push(term);
    await term.start([...loginArgs(tb, "narrow"), "user", "clients", `narrow@${tb.host}`], { XMGR_PASSWORD: PASSWORD }, { columns: 60 });
    const screen = await term.contains("[exit ");
    expect(screen).toContain("[exit 0]");
    const tableLines = screen.split("\n").filter((line) => /^[┌│├└]/.test(line));
    expect(tableLines.length).toBeGreaterThan(4);
    // capture-pane -J joins a line the terminal wrapped: a table line wider than 60 would show here.
    for (const line of tableLines) expect([...line].length).toBeLessThanOrEqual(60);
    const body = tableLines.slice(tableLines.findIndex((line) => line.startsWith("├")) + 1, -1);
    const firstColumn = body.map((line) => line.split("│")[1].trim()).join("");
    for (const id of ids) expect(firstColumn).toContain(id);
  });
});
