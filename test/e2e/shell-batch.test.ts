/**
 * `xmgr shell` without a terminal, end to end: the built bin/xmgr reads commands from stdin or -c
 * and runs them over one session against a real Prosody 13 test bed, with real grants to revoke
 * and a real occupant to kick. Covers stop-at-first-failure and --keep-going, JSON Lines,
 * prosodyctl's call form, output identical to the one-shot commands, and a connection the server
 * drops between two commands (the next one logs in again and says so).
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginLegacy, stopAll, type Peer } from "../support/peers.js";
import { childPath, loginArgs, xmgrBin, xmgrUser, type XmgrResult, type XmgrUser } from "../support/xmgr.js";

const alice = { username: "alice", password: "alice-shell-pw" };
let tb: Testbed;
let user: XmgrUser;
let aliceJid: string;
const peers: Peer[] = [];
const children: ChildProcess[] = [];

interface Listed {
  id: string;
  connected: boolean;
  userAgent?: { software?: string };
}

/** A running `xmgr shell` whose stdin the test writes to, line by line. */
interface LiveShell {
  send(line: string): void;
  end(): Promise<XmgrResult>;
  /** Resolves once stderr holds `count` matches of `pattern`. */
  waitForStderr(pattern: RegExp, count?: number): Promise<void>;
  /** How many TCP sockets the process holds. */
  connections(): number;
  /** Resolves once the process holds no TCP socket: it has seen its connection end and closed it. */
  waitForNoConnection(): Promise<void>;
  stderr(): string;
}

/** Inodes of the TCP sockets process `pid` has open (its stdio are Unix sockets, not listed in net/tcp). */
function tcpSocketsOf(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const tcp = ["tcp", "tcp6"].flatMap((table) => readFileSync(`/proc/${pid}/net/${table}`, "utf8").split("\n").slice(1));
  return tcp.map((line) => line.trim().split(/\s+/)[9]).filter((inode) => inode !== undefined && inodes.has(inode));
}

function liveShell(args: string[], env: Record<string, string> = {}): LiveShell {
  const child = spawn(xmgrBin, [...loginArgs(tb, "alice"), ...args], {
    env: { PATH: childPath, ...user.env, XMGR_PASSWORD: alice.password, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const watchers: (() => void)[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    watchers.forEach((watch) => watch());
  });
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  children.push(child);
  return {
    send: (line) => child.stdin.write(`${line}\n`),
    end: async () => {
      child.stdin.end();
      const code = await exited;
      return { code, stdout, stderr };
    },
    stderr: () => stderr,
    connections: () => tcpSocketsOf(child.pid!).length,
    waitForNoConnection: async () => {
      const deadline = Date.now() + 20_000;
      // /proc has no event to wait on: it is read every 10 ms until the socket is gone.
      while (tcpSocketsOf(child.pid!).length > 0) {
        if (Date.now() > deadline) throw new Error(`xmgr still holds its connection after 20 s; stderr:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    waitForStderr: (pattern, count = 1) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern} in stderr:\n${stderr}`)), 20_000);
        const watch = () => {
          if ((stderr.match(new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`)) ?? []).length >= count) {
            clearTimeout(timer);
            resolve();
          }
        };
        watchers.push(watch);
        watch();
      }),
  };
}

/** `xmgr shell` as alice with `input` on stdin. */
function shell(args: string[], input: string, env: Record<string, string> = {}): Promise<XmgrResult> {
  const live = liveShell(args, env);
  for (const line of input.split("\n")) live.send(line);
  return live.end();
}

const asAlice = (args: string[]) => user.run([...loginArgs(tb, "alice"), ...args], { XMGR_PASSWORD: alice.password });

async function listAlice(): Promise<Listed[]> {
  const result = await asAlice(["--json", "user", "clients", aliceJid]);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { clients: Listed[] }).clients;
}

/** `count` new grants of alice's, by id. */
async function newGrants(count: number): Promise<string[]> {
  const before = new Set((await listAlice()).map((client) => client.id));
  for (let index = 0; index < count; index++) await tb.createGrant(alice.username, alice.password);
  const grants = (await listAlice()).map((client) => client.id).filter((id) => id.startsWith("grant/") && !before.has(id));
  expect(grants).toHaveLength(count);
  return grants;
}

/** The table rows (tab-separated, stdout being a pipe) without the time columns, which move between two runs. */
const tableIds = (table: string) => [...table.matchAll(/^((?:client|grant)\/\S+)\t/gm)].map((match) => match[1]).sort();
/** How many `user clients` tables: their header rows. */
const clientTables = (stdout: string) => stdout.split("\n").filter((line) => line.startsWith("ID\tSoftware\t")).length;

beforeAll(async () => {
  tb = await startTestbed();
  aliceJid = `alice@${tb.host}`;
  user = await xmgrUser();
  await Promise.all([tb.register(alice.username, alice.password), tb.register("bob", "bob-shell-pw")]);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await stopAll(...peers);
  await user?.cleanup();
  await tb?.stop();
});

describe("xmgr shell, batch from stdin", () => {
  test("--max-in-flight 1: stops at the first failure, earlier commands ran, later ones were never sent; exit code of the failure; same output as the one-shot commands", async () => {
    const [first, second] = await newGrants(2);
    const input = [
      "# revoke what the incident report lists",
      `user clients ${aliceJid}`,
      "",
      `user revoke_client ${aliceJid} ${first}`,
      `user revoke_client ${aliceJid} client/doesnotexist   # a typo`,
      `user revoke_client ${aliceJid} ${second}`,
      `user clients ${aliceJid}`,
    ].join("\n");
    const result = await shell(["shell", "--max-in-flight", "1"], input);
    expect(result.code).toBe(4);

    const oneShotList = await asAlice(["user", "clients", aliceJid]);
    const oneShotFailure = await asAlice(["user", "revoke_client", aliceJid, "client/doesnotexist"]);
    expect(oneShotFailure.code).toBe(4);
    // stdout: exactly one table (the second `user clients` never ran), with the same rows as the one-shot run.
    expect(clientTables(result.stdout)).toBe(1);
    expect(tableIds(result.stdout)).toEqual(tableIds(oneShotList.stdout).concat(first).sort());
    expect(result.stderr).toBe(
      `OK: ${tableIds(result.stdout).length} clients\n` +
        "OK: Client access revoked\n" +
        oneShotFailure.stderr +
        "! Stopped at the failure of command 3 (line 5): the commands after it were not run. --keep-going runs them all.\n",
    );
    const left = (await listAlice()).map((client) => client.id);
    expect(left).not.toContain(first);
    expect(left).toContain(second); // after the failure: not revoked
  });

  test("pipelined (the default): revocations already sent with the failing one complete and are reported; nothing is started after the failure is known", async () => {
    const [first, second] = await newGrants(2);
    const input = [`user revoke_client ${aliceJid} ${first}`, `user revoke_client ${aliceJid} client/doesnotexist`, `user revoke_client ${aliceJid} ${second}`, `user clients ${aliceJid}`].join("\n");
    const result = await shell(["shell"], input);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe(""); // user clients waited for the revocations, saw the failure, and never ran
    expect(result.stderr).toBe(
      "OK: Client access revoked\n" +
        `! No client client/doesnotexist has access to ${aliceJid}.\n  List them with: xmgr user clients ${aliceJid}\n` +
        "OK: Client access revoked\n" +
        "! Stopped at the failure of command 2 (line 2): 1 command after it had already been sent (pipelined): command 3 (line 3) got an answer (above); the rest were not run. --keep-going runs them all.\n",
    );
    const left = (await listAlice()).map((client) => client.id);
    expect(left).not.toContain(first);
    expect(left).not.toContain(second);
  });

  test("writes of different commands run one after the other: a revocation, then muc create and muc destroy of one room, in that order", async () => {
    const [grant] = await newGrants(1);
    const room = `orderroom@${tb.mucHost}`;
    const result = await shell(["shell"], [`user revoke_client ${aliceJid} ${grant}`, `muc create ${room} --persistent`, `muc destroy ${room} --reason done --yes`].join("\n"));
    expect(result.stderr).toMatch(new RegExp(`^OK: Client access revoked\n(.|\n)*OK: Created ${room}(.|\n)*OK: Destroyed ${room}\n$`));
    expect(result.code).toBe(0);
    const info = await asAlice(["muc", "info", room]);
    expect(info.code).toBe(4); // the destroy came after the create, so the room is gone
  });

  test("--keep-going runs every command and still exits with the failure's code", async () => {
    const [first, second] = await newGrants(2);
    const result = await shell(["shell", "--keep-going"], [`user revoke_client ${aliceJid} ${first}`, `user revoke_client ${aliceJid} client/doesnotexist`, `user revoke_client ${aliceJid} ${second}`].join("\n"));
    expect(result.code).toBe(4);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^OK: Client access revoked\n! No client client\/doesnotexist has access to alice@example\.test\.\n.*\nOK: Client access revoked\n! 1 of 3 commands failed: command 2 \(line 2\)\.\n$/);
    const left = (await listAlice()).map((client) => client.id);
    expect(left).not.toContain(first);
    expect(left).not.toContain(second);
  });

  test("all commands succeeding exits 0; comments, blank lines and ; separators; one login for the whole batch", async () => {
    const grants = await newGrants(3);
    const result = await shell(["-v", "shell"], `\n# three revocations\n${grants.map((id) => `user revoke_client ${aliceJid} ${id}`).join(" ; ")}\n\n`);
    expect(result.code).toBe(0);
    expect(result.stderr.match(/^OK: Client access revoked$/gm)).toHaveLength(3);
    expect(result.stderr.match(/SEND <auth|SEND <authenticate/g)).toHaveLength(1);
    const left = (await listAlice()).map((client) => client.id);
    for (const id of grants) expect(left).not.toContain(id);
  });

  test("-c runs the commands given, ; or newline separated, without reading stdin", async () => {
    const [grant] = await newGrants(1);
    const result = await shell(["shell", "-c", `user revoke_client ${aliceJid} ${grant}; user clients ${aliceJid}`], "user clients nobody-reads-this@example.test");
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^OK: Client access revoked\nOK: \d+ clients?\n$/);
    expect(result.stdout).not.toContain(grant);
  });

  test("usage errors in a line are failures of that command, with the usual exit code 2", async () => {
    const result = await shell(["shell", "--keep-going"], ["user clients", "user frobnicate x", "muc kick room@chat.example.test 'unterminated", `user revoke_client ${aliceJid} bogus`, "help"].join("\n"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("! user clients takes 1 argument, not 0.");
    expect(result.stderr).toContain("! Unknown command: user frobnicate.");
    expect(result.stderr).toContain("! Unterminated single quote in: muc kick room@chat.example.test 'unterminated");
    expect(result.stderr).toContain('! Invalid client selector "bogus".');
    expect(result.stderr).toContain("! 4 of 5 commands failed");
    expect(result.stdout).toContain("user revoke_client JID SELECTOR");
  });

  test("--json on one statement gives that command's JSON line; a near miss says what was meant; clear prints nothing into a pipe", async () => {
    const result = await shell(["shell", "--keep-going"], ["server uptime --json", "server uptime", "sever uptime", "clear"].join("\n"));
    expect(result.code).toBe(2);
    const [jsonLine, textLine, ...more] = result.stdout.split("\n");
    expect(JSON.parse(jsonLine)).toMatchObject({ host: tb.host });
    expect(typeof (JSON.parse(jsonLine) as { seconds: unknown }).seconds).toBe("number");
    expect(textLine).toMatch(new RegExp(`^${tb.host.replace(/\./g, "\\.")} has been running for `));
    expect(more.join("")).toBe("");
    expect(result.stderr).toContain("! Unknown command: sever. Did you mean server?");
    expect(result.stderr).toContain("! 1 of 4 commands failed");
  });

  test("a failed login is reported once, not once per pipelined command (exit 3)", async () => {
    const lines = Array.from({ length: 5 }, (_, index) => `user revoke_client ${aliceJid} grant/nothing${index}`).join("\n");
    const fresh = await xmgrUser(); // no saved FAST token: the password is what logs in
    const result = await shell(["shell"], lines, { ...fresh.env, XMGR_PASSWORD: "wrong password" }).finally(() => fresh.cleanup());
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr.match(/^! /gm)).toHaveLength(2); // the failure, then where the batch stopped
    expect(result.stderr).toMatch(/\n! Stopped at the failure of command 1 \(line 1\): the commands after it were not run\. --keep-going runs them all\.\n$/);
  });

  test("quit ends the batch; what follows is not run", async () => {
    const [grant] = await newGrants(1);
    const result = await shell(["shell"], `user clients ${aliceJid}\nquit\nuser revoke_client ${aliceJid} ${grant}`);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^OK: \d+ clients\n$/);
    expect((await listAlice()).map((client) => client.id)).toContain(grant);
  });
});

describe("JSON Lines", () => {
  test("--json: one JSON document per line and per command, failures included", async () => {
    const [grant] = await newGrants(1);
    const result = await shell(["--json", "shell", "--keep-going"], [`user clients ${aliceJid}`, `user revoke_client ${aliceJid} ${grant}`, `user revoke_client ${aliceJid} ${grant}`, "help user"].join("\n"));
    expect(result.code).toBe(4);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    const [list, revoked, failed, help] = lines.map((line) => JSON.parse(line));
    expect(list.jid).toBe(aliceJid);
    expect(list.clients.map((client: Listed) => client.id)).toContain(grant);
    expect(revoked).toEqual({ jid: aliceJid, selector: grant, revoked: true, ownSession: false });
    expect(failed).toEqual({
      command: `user revoke_client ${aliceJid} ${grant}`,
      line: 3,
      error: { message: `No client ${grant} has access to ${aliceJid}.`, hint: `List them with: xmgr user clients ${aliceJid}`, exitCode: 4 },
    });
    expect(help.help).toContain("user clients JID");
    // stderr: the failure as the one-shot command says it, no OK lines (as with --json one-shot).
    expect(result.stderr).not.toContain("OK:");
    expect(result.stderr).toContain(`! No client ${grant} has access to ${aliceJid}.`);
  });

  test("the one-shot --json document and the shell's line are the same value", async () => {
    const shellRun = await shell(["--json", "shell"], `user clients ${aliceJid}`);
    const oneShot = await asAlice(["--json", "user", "clients", aliceJid]);
    expect(shellRun.stdout.split("\n").filter(Boolean)).toHaveLength(1);
    // The server sorts by last-seen, which xmgr's own second login moves: compare the entries, not their order.
    const strip = (value: { clients: (Listed & { lastSeen?: string })[] }) =>
      value.clients.map(({ lastSeen: _lastSeen, connected: _connected, ...rest }) => rest).sort((a, b) => a.id.localeCompare(b.id));
    expect(strip(JSON.parse(shellRun.stdout))).toEqual(strip(JSON.parse(oneShot.stdout)));
  });
});

describe("prosodyctl's call form", () => {
  test("user:clients(…) and user:revoke_client(…, …) do what the shell form does", async () => {
    const [first, second] = await newGrants(2);
    const input = [`user:clients("${aliceJid}")`, `user:revoke_client("${aliceJid}", "${first}")`, `user:revoke_client '${aliceJid}'`, `user:revoke_client('${aliceJid}', [[${second}]]); user:clients "${aliceJid}"`].join("\n");
    const result = await shell(["shell", "--keep-going"], input);
    expect(result.code).toBe(2); // the third line lacks the selector
    expect(result.stderr).toMatch(/^OK: \d+ clients\nOK: Client access revoked\n! user revoke_client takes 2 arguments, not 1\.\n.*\nOK: Client access revoked\nOK: \d+ clients\n/);
    expect(clientTables(result.stdout)).toBe(2);
    const left = (await listAlice()).map((client) => client.id);
    expect(left).not.toContain(first);
    expect(left).not.toContain(second);
  });
});

describe("muc kick in the shell", () => {
  test("a quoted reason with spaces stays one argument; the occupant gets 307 and that reason", async () => {
    const bob = await loginLegacy(tb, { username: "bob", password: "bob-shell-pw" });
    peers.push(bob);
    const room = `shellroom@${tb.mucHost}`;
    await bob.joinRoom(room, "Bob B");
    const result = await shell(["shell"], `muc kick ${room} "Bob B" 'Spamming the room; again'`, {
      XMGR_MUC_KICK_URL: `https://${tb.mucHost}:${tb.httpsPort}/muc_kick`,
      XMGR_MUC_KICK_SERVER: "127.0.0.1",
      XMGR_MUC_KICK_AUTH: tb.mucKickAuth,
    });
    expect(result).toEqual({ code: 0, stdout: "", stderr: `OK: Kicked Bob B from ${room}\n` });
    const kick = await bob.waitForKick(room, "Bob B");
    expect(kick.statuses).toContain("307");
    expect(kick.reason).toBe("Spamming the room; again");
  });
});

describe("xmgr shell -- WORDS: one command from a script, each argument as given", () => {
  test("no quoting and no ; splitting: the reason reaches the occupant exactly", async () => {
    const carol = await loginLegacy(tb, { username: "bob", password: "bob-shell-pw" });
    peers.push(carol);
    const room = `wordsroom@${tb.mucHost}`;
    await carol.joinRoom(room, "-Carol 'C'");
    const reason = `it's "fine"; user clients ${aliceJid} # not a comment`;
    const result = await shell(["shell", "--", "muc", "kick", room, "-Carol 'C'", reason], "", {
      XMGR_MUC_KICK_URL: `https://${tb.mucHost}:${tb.httpsPort}/muc_kick`,
      XMGR_MUC_KICK_SERVER: "127.0.0.1",
      XMGR_MUC_KICK_AUTH: tb.mucKickAuth,
    });
    expect(result).toEqual({ code: 0, stdout: "", stderr: `OK: Kicked -Carol 'C' from ${room}\n` });
    const kick = await carol.waitForKick(room, "-Carol 'C'");
    expect(kick.reason).toBe(reason);
  });

  test("a failing command gives its own exit status; -c together with words is a usage error", async () => {
    const failed = await shell(["shell", "--", "user", "revoke_client", aliceJid, "grant/no-such-grant"], "");
    expect(failed.code).toBe(4);
    expect(failed.stderr).toMatch(/^! No client grant\/no-such-grant has access/m);
    const both = await shell(["shell", "-c", "help", "--", "help"], "");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("! Give either -c COMMANDS or one command's words after --, not both.");
  });
});

describe("two xmgr at once as the same account", () => {
  test("a one-shot run while a shell is logged in leaves the shell's session alone (each has its own resource)", async () => {
    const live = liveShell(["shell"]);
    live.send(`user clients ${aliceJid}`);
    await live.waitForStderr(/^OK: \d+ clients$/m);
    const oneShot = await user.run([...loginArgs(tb, "alice"), "user", "clients", aliceJid], { XMGR_PASSWORD: alice.password });
    expect(oneShot.code).toBe(0);
    live.send(`user clients ${aliceJid}`);
    const result = await live.end();
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^OK: \d+ clients\nOK: \d+ clients\n$/);
  });
});

describe("a dropped connection", () => {
  test("the server closes the session between two commands: the next one logs in again, says so, and succeeds", async () => {
    const [grant] = await newGrants(1);
    const live = liveShell(["shell"]);
    live.send(`user clients ${aliceJid}`);
    await live.waitForStderr(/^OK: \d+ clients$/m);
    expect(live.connections()).toBe(1);
    const closed = await tb.prosodyctl(["shell", `c2s:close("${aliceJid}")`]);
    expect(closed.stdout).toMatch(/1 sessions? closed/);
    await live.waitForNoConnection(); // the stream's end has reached xmgr, which closed its side
    live.send(`user revoke_client ${aliceJid} ${grant}`);
    const result = await live.end();
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^OK: \d+ clients\nThe connection had closed; logged in again as alice@example\.test\.\nOK: Client access revoked\n$/);
    expect((await listAlice()).map((client) => client.id)).not.toContain(grant);
  });

  test("revoking xmgr's own client ends the session; the next command logs in again and runs once", async () => {
    const [grant] = await newGrants(1);
    const own = (await listAlice()).find((client) => client.userAgent?.software === "xmgr");
    expect(own).toBeDefined();
    const result = await shell(["--timeout", "20", "shell"], [`user revoke_client ${aliceJid} ${own!.id}`, `user revoke_client ${aliceJid} ${grant}`].join("\n"));
    expect(result.code).toBe(0);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^OK: Client access revoked; it was xmgr's own client/);
    expect(lines.slice(1)).toEqual(["The connection had closed; logged in again as alice@example.test.", "OK: Client access revoked"]);
    expect((await listAlice()).map((client) => client.id)).not.toContain(grant);
  });
});
