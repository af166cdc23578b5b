// npm run bench (after scripts/bench.mjs): creating accounts with xmgr next to the local way,
// `prosodyctl register`, on one real Prosody 13 started for the run, all on loopback (issue 14).
//
//   A. one `xmgr user create JID --new-password-file FILE` vs one `prosodyctl register USER HOST PW`,
//      alternately, --runs times each (after a checked warm-up); medians, p90, min, max.
//   B. --accounts (1,000) accounts created from a file of `user create` lines in ONE `xmgr shell`
//      session (login included) vs as many `prosodyctl register` runs one after the other; with the
//      CPU time Prosody spent meanwhile (it hashes every password) and that of the clients.
//
//   node scripts/bench-accounts.mjs [--runs 15] [--accounts 1000] [--out FILE | --no-write]
//
// Writes its section into BENCHMARKS.md (replacing the one between its markers, else appended).
import { spawn, execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startTestbed } from "../build/support/testbed.js";
import { markdownTable, ms, summary, times } from "./bench/stats.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const XMGR = join(root, "bin", "xmgr");
const TARGET_MS = 10_000;
const BEGIN = "<!-- bench-accounts: begin -->";
const END = "<!-- bench-accounts: end -->";

const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: "15" },
    accounts: { type: "string", default: "1000" },
    out: { type: "string" },
    "no-write": { type: "boolean", default: false },
  },
});
const RUNS = Number(flags.runs);
const ACCOUNTS = Number(flags.accounts);
const outFile = flags["no-write"] ? undefined : resolve(flags.out ?? join(root, "BENCHMARKS.md"));
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** utime + stime in ms of a process (/proc/PID/stat); `children` adds those of its reaped children. */
function cpuMs(pid, children = false) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]) + (children ? Number(fields[13]) + Number(fields[14]) : 0);
  return (ticks * 1000) / CLK_TCK;
}

function run(cmd, args, { env, stdin, cwd } = {}) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    child.stdin.end(stdin ?? "");
  });
}

const progress = (text) => process.stderr.write(`bench-accounts: ${text}\n`);

const tb = await startTestbed();
const keepAlive = setInterval(() => {}, 1000); // a busy Prosody may take its time to stop
const home = mkdtempSync(join(os.tmpdir(), "xmgr-bench-accounts-"));
const prosodyPid = readFileSync(join(tb.dir, "prosody.pid"), "utf8").trim();
let failed = false;
try {
  const adminPassword = "bench-admin-pw";
  await tb.register("admin", adminPassword);
  const passwordFile = join(home, "new.pw");
  writeFileSync(passwordFile, "bench-new-account-pw\n", { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  const env = {
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_STATE_HOME: join(home, "state"),
    XDG_CACHE_HOME: join(home, "cache"),
    LANG: "C.UTF-8",
    XMGR_PASSWORD: adminPassword,
  };
  const login = ["--jid", tb.adminJid, "--server", `xmpps://127.0.0.1:${tb.directTlsPort}`, "--ca", tb.caFile, "--timeout", "300"];
  const xmgrCreate = (user) => run(XMGR, [...login, "user", "create", `${user}@${tb.host}`, "--new-password-file", passwordFile], { env });
  const register = (user) => run("prosodyctl", ["--config", tb.configFile, "register", user, tb.host, "bench-new-account-pw"], { cwd: tb.dir });
  const accountCount = async () => {
    const listed = await run("prosodyctl", ["--config", tb.configFile, "shell", "user", "list", tb.host], { cwd: tb.dir });
    return listed.stdout.split("\n").filter((line) => /^\S+@/.test(line.trim())).length;
  };

  // A. One account each, alternately, after a checked warm-up (the first xmgr run logs in with
  // the password and saves a FAST token, as a user's first run does; the others use it).
  for (const [index, [label, create]] of [["xmgr", xmgrCreate], ["prosodyctl", register]].entries()) {
    const result = await create(`warm${index}`);
    if (result.code !== 0) throw new Error(`warm-up of ${label}: exit ${result.code}: ${result.stderr}`);
  }
  const before = await accountCount();
  const single = { xmgr: [], prosodyctl: [] };
  progress(`A: ${RUNS} runs each of xmgr user create and prosodyctl register`);
  for (let i = 0; i < RUNS; i++) {
    for (const [label, create] of [["xmgr", xmgrCreate], ["prosodyctl", register]]) {
      const result = await create(`single${label}${i}`);
      if (result.code !== 0) throw new Error(`${label} run ${i}: exit ${result.code}: ${result.stderr}`);
      single[label].push(result.ms);
    }
  }
  if ((await accountCount()) !== before + 2 * RUNS) throw new Error("A: not every run created its account");

  // B. ACCOUNTS accounts in one xmgr shell session.
  progress(`B: ${ACCOUNTS} accounts in one xmgr shell session`);
  const lines = Array.from({ length: ACCOUNTS }, (_, i) => `user create shell${i}@${tb.host} --new-password-file ${passwordFile}\n`).join("");
  const serverBefore = cpuMs(prosodyPid);
  const clientsBefore = cpuMs(process.pid, true);
  const shell = await run(XMGR, [...login, "shell"], { env, stdin: lines });
  const shellServerMs = cpuMs(prosodyPid) - serverBefore;
  const shellClientMs = cpuMs(process.pid, true) - clientsBefore;
  const oks = shell.stderr.split("\n").filter((line) => /^OK: Created shell\d+@/.test(line)).length;
  if (shell.code !== 0 || oks !== ACCOUNTS) throw new Error(`xmgr shell: exit ${shell.code}, ${oks} of ${ACCOUNTS} created: ${shell.stderr.slice(-500)}`);

  // B'. The same number of prosodyctl register runs, one after the other.
  progress(`B: ${ACCOUNTS} prosodyctl register runs`);
  const registerServerBefore = cpuMs(prosodyPid);
  const registerClientsBefore = cpuMs(process.pid, true);
  const registerStart = process.hrtime.bigint();
  for (let i = 0; i < ACCOUNTS; i++) {
    const result = await register(`ctl${i}`);
    if (result.code !== 0) throw new Error(`prosodyctl register ctl${i}: exit ${result.code}: ${result.stderr}`);
  }
  const registerMs = Number(process.hrtime.bigint() - registerStart) / 1e6;
  const registerServerMs = cpuMs(prosodyPid) - registerServerBefore;
  const registerClientMs = cpuMs(process.pid, true) - registerClientsBefore;
  const total = await accountCount();
  if (total !== before + 2 * RUNS + 2 * ACCOUNTS) throw new Error(`B: ${total} accounts on the server, expected ${before + 2 * RUNS + 2 * ACCOUNTS}`);

  // Report.
  const row = (label, samples) => {
    const s = summary(samples);
    return [label, String(s.n), ms(s.median), ms(s.p90), ms(s.min), ms(s.max)];
  };
  const a = summary(single.xmgr).median;
  const b = summary(single.prosodyctl).median;
  const load = os.loadavg().map((value) => value.toFixed(1)).join(", ");
  const section = [
    BEGIN,
    "### 11. Creating accounts: xmgr user create vs prosodyctl register (scripts/bench-accounts.mjs)",
    "",
    markdownTable(["Command", "Runs", "Median", "p90", "Min", "Max"], [
      row("xmgr user create JID --new-password-file FILE (FAST login)", single.xmgr),
      row("prosodyctl register USER HOST PASSWORD", single.prosodyctl),
    ]),
    "",
    `Result: xmgr/prosodyctl = ${times(a / b)} (run alternately, one new account each).`,
    "",
    markdownTable(["Way", "Accounts", "Wall time", "Prosody's CPU", "Clients' CPU"], [
      [`one xmgr shell session (${ACCOUNTS} user create lines, login included)`, String(ACCOUNTS), ms(shell.ms), `${ms(shellServerMs)} (${Math.round((100 * shellServerMs) / shell.ms)}% of the wall time)`, ms(shellClientMs)],
      [`${ACCOUNTS} prosodyctl register runs, one after the other`, String(ACCOUNTS), ms(registerMs), ms(registerServerMs), ms(registerClientMs)],
    ]),
    "",
    `Target for the shell session ≤ ${TARGET_MS / 1000} s: ${shell.ms <= TARGET_MS ? "met" : "NOT met"}. ` +
      "In the shell session Prosody hashes each new password itself (mod_admin_adhoc → usermanager.create_user): its CPU time is the server's share of the run; " +
      "prosodyctl register hashes in its own process and writes the account file directly, without the server. " +
      `Clients' CPU = xmgr, or all prosodyctl processes together. Load average when done: ${load} (${os.cpus().length} CPUs, shared with other work: the figures are noisy).`,
    END,
  ].join("\n");
  console.log(section);
  if (outFile) {
    const current = existsSync(outFile) ? readFileSync(outFile, "utf8") : "";
    const start = current.indexOf(BEGIN);
    const end = current.indexOf(END);
    const next = start >= 0 && end > start ? current.slice(0, start) + section + current.slice(end + END.length) : `${current.trimEnd()}\n\n${section}\n`;
    writeFileSync(outFile, next);
    progress(`wrote ${outFile}`);
  }
} catch (error) {
  failed = true;
  process.stderr.write(`bench-accounts: ${error?.stack ?? error}\n`);
} finally {
  rmSync(home, { recursive: true, force: true });
  await tb.stop();
  clearInterval(keepAlive);
}
process.exitCode = failed ? 1 : 0;
