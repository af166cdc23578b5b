// 1,000 revocations in one `xmgr shell` session (issue 5), against a real Prosody 13 test bed on
// loopback. Creates N real OAuth2 grants (one OAuth2 client registration per account, then
// password-grant token requests) spread over A fresh accounts, lists them in one `xmgr shell`
// (JSON Lines), writes N `user revoke_client JID grant/ID` lines, and times one `bin/xmgr shell`
// process reading them from stdin, from spawn to exit (login included). Then checks that every
// command said OK and that no grant is left.
//
// A = 1: the account revokes its own grants. A > 1 (default 50, so 20 grants each): the test
// bed's admin revokes them (mod_admin_manage_clients). Why the default spreads them: Prosody's
// mod_tokenauth validates every grant of an account on each get_user_grants() (one account-file
// read per grant), and manage-clients calls it for every revoke and list, so revoking one
// account's n grants costs the server O(n^2); with 1,000 grants on one account the server, not
// xmgr, takes most of a minute.
//
//   bash scripts/setup.sh          (the build and build/support/, as npm test does)
//   node scripts/bench-shell.mjs [--revocations 1000] [--accounts 50] [--max-in-flight 32] [--runs 1] [--json]
//
// As a module (e.g. from scripts/bench.mjs), with a test bed of your own or a fresh one:
//   import { benchShell } from "./bench-shell.mjs";
//   const r = await benchShell({ tb, revocations: 1000, accounts: 50, maxInFlight: 32 });
//   // r = { revocations, accounts, ms, serverMs (Prosody's CPU time meanwhile, Linux), grantSetupMs, maxInFlight, met: ms < 5000 }
//   // options.progress(text) is called at each phase, if given.
// It registers its own accounts (names with a time stamp) and, when accounts > 1, sets the
// password of tb.adminJid (creating that account if needed).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const XMGR = join(root, "bin", "xmgr");
export const TARGET_MS = 5000;

/** One HTTP request to the test bed's plain HTTP port; fails (never hangs) if the connection ends before the answer does. */
function httpRequest(tb, method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port: tb.httpPort, method, path, agent: false, headers: { host: tb.host, "content-length": Buffer.byteLength(body), ...headers } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode, body: text }));
        response.on("close", () => response.complete || reject(new Error(`${method} ${path}: the connection closed before the answer ended`)));
        response.on("error", reject);
      },
    );
    request.setTimeout(120_000, () => request.destroy(new Error(`${method} ${path}: no answer within 120 s`)));
    request.on("error", reject);
    request.end(body);
  });
}

/** Real OAuth2 grants for user@host: one client registration, then `count` password grants, `concurrency` at a time. */
export async function createGrants(tb, user, password, count, concurrency = 16) {
  const registration = await httpRequest(
    tb,
    "POST",
    "/oauth2/register",
    { "content-type": "application/json" },
    JSON.stringify({
      client_name: "xmgr bench",
      client_uri: "https://xmgr.example/",
      redirect_uris: ["https://xmgr.example/callback"],
      grant_types: ["password", "authorization_code", "refresh_token"],
    }),
  );
  if (registration.status !== 201) throw new Error(`oauth2 register: ${registration.status} ${registration.body}`);
  const client = JSON.parse(registration.body);
  const basic = Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString("base64");
  const body = new URLSearchParams({ grant_type: "password", username: `${user}@${tb.host}`, password, scope: "xmpp" }).toString();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const token = await httpRequest(tb, "POST", "/oauth2/token", { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` }, body);
        if (token.status !== 200) throw new Error(`oauth2 token: ${token.status} ${token.body}`);
      }
    }),
  );
}

/** CPU time Prosody has used so far, in ms (Linux /proc; undefined elsewhere). */
function serverCpuMs(tb) {
  try {
    const pid = readFileSync(join(tb.dir, "prosody.pid"), "utf8").trim();
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    return (ticks * 1000) / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  } catch {
    return undefined;
  }
}

function runXmgr(args, env, stdin) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(XMGR, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    child.stdin.end(stdin ?? "");
  });
}

/** Runs lines of `prosodyctl shell` commands in one session: much faster than one prosodyctl per command. */
async function prosodyShell(tb, lines) {
  const child = spawn("prosodyctl", ["--config", tb.configFile, "shell"], { cwd: tb.dir, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const done = new Promise((resolve) => child.on("close", resolve));
  child.stdin.end(lines.map((line) => `${line}\n`).join(""));
  await done;
  return output;
}

async function registerAccounts(tb, accounts) {
  const output = await prosodyShell(tb, accounts.map(({ user, password }) => `user:create(${JSON.stringify(`${user}@${tb.host}`)}, ${JSON.stringify(password)})`));
  const created = (output.match(/OK: Created /g) ?? []).length;
  if (created !== accounts.length) throw new Error(`prosodyctl shell created ${created} of ${accounts.length} accounts:\n${output.slice(-2000)}`);
}

/** The test bed's admin account (listed in its admins), with a password of ours whether or not it existed. */
async function ensureAdmin(tb, password) {
  const jid = JSON.stringify(tb.adminJid);
  const output = await prosodyShell(tb, [`user:create(${jid}, ${JSON.stringify(password)})`, `user:password(${jid}, ${JSON.stringify(password)})`]);
  if (!/OK: User password changed/.test(output)) throw new Error(`could not set the admin's password:\n${output.slice(-2000)}`);
}

/**
 * Creates `revocations` real OAuth2 grants spread over `accounts` fresh accounts on `tb` (a
 * Testbed from build/support/testbed.js; one is started and stopped if none is given), and
 * times one `xmgr shell` revoking all of them from stdin. With accounts = 1 the account revokes
 * its own grants; with more, the test bed's admin revokes them (mod_admin_manage_clients).
 */
export async function benchShell({ tb, revocations = 1000, accounts = 50, maxInFlight, progress = () => {}, env: callerEnv = {} } = {}) {
  let own;
  if (!tb) {
    const { startTestbed } = await import(join(root, "build", "support", "testbed.js"));
    own = tb = await startTestbed();
  }
  const home = mkdtempSync(join(os.tmpdir(), "xmgr-bench-shell-"));
  try {
    const tag = Date.now().toString(36);
    const owners = Array.from({ length: accounts }, (_, index) => ({ user: `bench${tag}x${index}`, password: `pw-${tag}-${index}` }));
    const admin = accounts === 1 ? owners[0] : { user: tb.adminJid.split("@")[0], password: `pw-admin-${tag}` };
    const setupStart = process.hrtime.bigint();
    progress(`registering ${accounts} account(s) and creating ${revocations} grants`);
    await registerAccounts(tb, owners);
    if (accounts > 1) await ensureAdmin(tb, admin.password);
    await Promise.all(
      owners.map((owner, index) => {
        const share = Math.floor(revocations / accounts) + (index < revocations % accounts ? 1 : 0);
        return createGrants(tb, owner.user, owner.password, share, Math.max(1, Math.floor(16 / accounts)));
      }),
    );
    const grantSetupMs = Number(process.hrtime.bigint() - setupStart) / 1e6;

    const env = {
      ...callerEnv, // the environment scripts/bench.mjs runs this round in (its TLS and Node variables)
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`, // bin/xmgr runs the node in PATH
      HOME: home,
      XDG_CONFIG_HOME: join(home, "config"),
      XDG_STATE_HOME: join(home, "state"),
      LANG: "C.UTF-8",
      XMGR_PASSWORD: admin.password,
    };
    const adminJid = `${admin.user}@${tb.host}`;
    // A generous --timeout: with many grants on one account the server takes long to list them.
    const login = ["--jid", adminJid, "--server", `xmpps://127.0.0.1:${tb.directTlsPort}`, "--ca", tb.caFile, "--timeout", "300"];
    const jids = owners.map((owner) => `${owner.user}@${tb.host}`);
    // One shell session lists every account (JSON Lines): the grant ids to revoke.
    const listGrants = async () => {
      const listed = await runXmgr([...login, "--json", "shell"], env, jids.map((jid) => `user clients ${jid}\n`).join(""));
      if (listed.code !== 0) throw new Error(`xmgr shell (user clients): exit ${listed.code}: ${listed.stderr}`);
      return listed.stdout
        .trim()
        .split("\n")
        .flatMap((line) => {
          const { jid, clients } = JSON.parse(line);
          return clients.filter((client) => client.id.startsWith("grant/")).map((client) => `user revoke_client ${jid} ${client.id}\n`);
        });
    };
    progress(`grants created in ${(grantSetupMs / 1000).toFixed(1)} s; listing them`);
    const lines = await listGrants();
    if (lines.length !== revocations) throw new Error(`${lines.length} grants listed, ${revocations} created`);

    const shellArgs = [...login, "shell", ...(maxInFlight ? ["--max-in-flight", String(maxInFlight)] : [])];
    progress(`revoking ${lines.length} grants in one xmgr shell`);
    const cpuBefore = serverCpuMs(tb);
    const result = await runXmgr(shellArgs, env, lines.join(""));
    const cpuAfter = serverCpuMs(tb);
    const oks = result.stderr.split("\n").filter((line) => line === "OK: Client access revoked").length;
    if (result.code !== 0 || oks !== revocations) {
      throw new Error(`xmgr shell: exit ${result.code}, ${oks} of ${revocations} OK lines: ${result.stderr.split("\n").slice(-4).join("\n")}`);
    }
    const left = await listGrants();
    if (left.length > 0) throw new Error(`${left.length} grants still listed after the shell session`);
    const serverMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    return { revocations, accounts, ms: result.ms, serverMs, grantSetupMs, maxInFlight: maxInFlight ?? 32, met: result.ms < TARGET_MS };
  } finally {
    rmSync(home, { recursive: true, force: true });
    await own?.stop();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      revocations: { type: "string", default: "1000" },
      accounts: { type: "string", default: "50" },
      "max-in-flight": { type: "string" },
      runs: { type: "string", default: "1" },
      json: { type: "boolean", default: false },
    },
  });
  const { startTestbed } = await import(join(root, "build", "support", "testbed.js"));
  const tb = await startTestbed();
  const results = [];
  // Keeps the process alive while a busy Prosody takes its time to stop (its process handle is unref'd).
  const keepAlive = setInterval(() => {}, 1000);
  try {
    for (let run = 0; run < Number(values.runs); run++) {
      results.push(
        await benchShell({
          tb,
          revocations: Number(values.revocations),
          accounts: Number(values.accounts),
          maxInFlight: values["max-in-flight"] && Number(values["max-in-flight"]),
          progress: (text) => process.stderr.write(`bench-shell: ${text}\n`),
        }),
      );
    }
  } catch (error) {
    process.stderr.write(`bench-shell: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  } finally {
    await tb.stop();
    clearInterval(keepAlive);
  }
  if (values.json) {
    console.log(JSON.stringify(results));
  } else {
    for (const r of results) {
      console.log(
        `${r.revocations} revocations (${r.accounts === 1 ? "one account's own grants" : `grants of ${r.accounts} accounts, revoked by the admin`}) in one xmgr shell session: ` +
          `${(r.ms / 1000).toFixed(2)} s (login included; up to ${r.maxInFlight} in flight; ` +
          `target < ${TARGET_MS / 1000} s: ${r.met ? "met" : "NOT met"})` +
          (r.serverMs === undefined ? "" : `; Prosody's CPU time meanwhile: ${(r.serverMs / 1000).toFixed(2)} s`) +
          `. Creating the grants took ${(r.grantSetupMs / 1000).toFixed(1)} s.`,
      );
    }
  }
  process.exitCode ||= results.every((r) => r.met) ? 0 : 1;
}
