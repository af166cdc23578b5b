// npm run bench: how fast xmgr is next to the tools it is measured against (issue 4), on a real
// Prosody 13 started for the run (test/support/testbed.ts), all on loopback. Not part of npm test.
//
// Each pair runs alternately, A B A B …, after a warm-up whose output is checked (the right
// result, the right login mechanism); timed runs are spawned the same way for both sides
// (child_process.spawn, stdio ignored, a minimal fixed environment) and measured with
// process.hrtime.bigint() from spawn to exit. Prints medians, p90, min and the ratio per pair,
// then writes BENCHMARKS.md with the machine it ran on.
//
//   node scripts/bench.mjs [--runs 15] [--baseline-runs 5] [--warmup 2] [--inproc-samples 5]
//                          [--shell-revocations 1000] [--only 1,2,5] [--out FILE | --no-write]
//
// Pairs: 1 user clients (password login) vs prosodyctl shell user list; 1s the same over STARTTLS
// (for information); 2 user clients (FAST login) vs prosodyctl; 3 xmgr vs @xmpp/client with its
// defaults; 4 muc kick vs curl; 5 --help vs node -e 0; 6 parse + render 1,000 / 10,000 clients
// in-process; 7 1,000 revocations in one `xmgr shell` (skipped while `xmgr shell --help` does not
// print the shell's usage); 8 where the time of one xmgr run goes (phases, for information);
// 9 user clients (FAST login, STARTTLS) vs prosodyctl and 10 the same vs node -e 0 (issue 12); 11 the same
// vs a minimal Node.js client doing the same exchange (scripts/bench/minimal-client.cjs, information);
// 12 user clients (STARTTLS) answered by a kept session (issue 25; started by a first run, stopped
// after the pair) vs prosodyctl, target ≤ 1.0× on the median of three rounds' medians.
// Every pair runs in the minimal environment and in the caller's (npm's own variables removed);
// 9, 10, 11 and 8 also in the caller's with NODE_EXTRA_CA_CERTS the other way (removed, or set).
// With --only, BENCHMARKS.md is written only if --out is given.
import { spawn, execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startTestbed } from "../build/support/testbed.js";
import { loginSasl2, stopAll } from "../build/support/peers.js";
import { markdownTable, mb, ms, signedMs, summary, times } from "./bench/stats.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const XMGR = join(root, "bin", "xmgr");
const NODE = process.execPath;
const BASELINE = join(root, "scripts", "bench", "baseline-client.mjs");
const INPROC = join(root, "scripts", "bench", "clients-inproc.mjs");
const PHASES = join(root, "scripts", "bench", "phases.mjs");
const MINIMAL_CLIENT = join(root, "scripts", "bench", "minimal-client.cjs");
const BENCH_SHELL = join(root, "scripts", "bench-shell.mjs");
const PHASE_KEYS = [
  ["node", "Node start-up"],
  ["startup", "xmgr start-up until it connects"],
  ["secureContext", "TLS context set-up (in start-up; with STARTTLS in the connect)"],
  ["connect", "TCP connect (+ STARTTLS) + TLS handshake"],
  ["serverFirst", "wait for the server's first byte"],
  ["exchange", "rest of the exchange"],
  ["shutdown", "last socket closed or ended → exit"],
  ["teardown", "after exit"],
  ["total", "total"],
];
const RUN_TIMEOUT_MS = 120_000;

const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: "15" },
    "baseline-runs": { type: "string", default: "5" },
    warmup: { type: "string", default: "2" },
    "inproc-samples": { type: "string", default: "5" },
    "shell-revocations": { type: "string", default: "1000" },
    only: { type: "string" },
    out: { type: "string" },
    "no-write": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (flags.help) {
  process.stdout.write(readFileSync(fileURLToPath(import.meta.url), "utf8").split("\nimport ")[0].replace(/^\/\/ ?/gm, "") + "\n");
  process.exit(0);
}
const count = (name, min) => {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be an integer ≥ ${min}`);
    process.exit(2);
  }
  return value;
};
const RUNS = count("runs", 10);
const BASELINE_RUNS = count("baseline-runs", 5);
const WARMUP = count("warmup", 1);
const INPROC_SAMPLES = count("inproc-samples", 1);
const SHELL_REVOCATIONS = count("shell-revocations", 1);
const only = flags.only ? new Set(flags.only.split(",").map((id) => id.trim())) : undefined;
const wanted = (id) => !only || only.has(id);
const outFile = flags["no-write"] ? undefined : flags.out ? resolve(flags.out) : only ? undefined : join(root, "BENCHMARKS.md");

// ---------------------------------------------------------------------------------------------
// Processes

/**
 * Spawns one run (stdin from a file if given) and times it, spawn → exit. Timed runs ignore the
 * output; warm-ups, checks and set-up capture it (`capture`).
 */
function spawnRun({ cmd, args, env, stdin }, capture) {
  return new Promise((done) => {
    const input = stdin ? openSync(stdin, "r") : "ignore";
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: [input, capture ? "pipe" : "ignore", capture ? "pipe" : "ignore"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    const out = [];
    const err = [];
    let failed;
    child.stdout?.on("data", (chunk) => out.push(chunk));
    child.stderr?.on("data", (chunk) => err.push(chunk));
    child.on("error", (error) => {
      failed = error;
    });
    child.on("close", (code, signal) => {
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      clearTimeout(timer);
      if (typeof input === "number") closeSync(input);
      const result = { ms: elapsed, code: failed ? -1 : (code ?? -1), signal };
      if (!capture) return done({ ...result, error: failed?.message });
      const stderr = Buffer.concat(err).toString("utf8") + (failed ? `\n${failed.message}` : "");
      done({ ...result, stdout: Buffer.concat(out).toString("utf8"), stderr });
    });
  });
}

const timed = (invocation) => spawnRun(invocation, false);
const captured = (invocation) => spawnRun(invocation, true);

const tail = (text, lines = 6) => text.trim().split("\n").slice(-lines).join("\n");
const exitText = (result) => (result.signal ? `killed by ${result.signal}` : `exit ${result.code}`);

// ---------------------------------------------------------------------------------------------
// Pairs

/**
 * A side: { label, prepare: () => invocation ({cmd,args,env,stdin}), check?: (captured) => problem text,
 * after?: (result) => Promise (e.g. wait for the kick to arrive), cleanup?: (invocation) => void }.
 */
async function runPair(side1, side2, runs) {
  const sides = [side1, side2];
  for (let round = 0; round < WARMUP; round++) {
    for (const side of sides) {
      const invocation = await side.prepare();
      const result = await captured(invocation);
      const problem = result.code !== 0 ? `${exitText(result)}: ${tail(result.stderr)}` : side.check?.(result, round);
      if (problem) throw new Error(`warm-up of "${side.label}" failed: ${problem}`);
      await side.after?.(result);
      side.cleanup?.(invocation);
    }
  }
  const samples = sides.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (const [index, side] of sides.entries()) {
      const invocation = await side.prepare();
      const result = await timed(invocation);
      if (result.code !== 0) {
        side.cleanup?.(invocation);
        const again = await captured(await side.prepare());
        throw new Error(`"${side.label}" failed in run ${run + 1} (${exitText(result)}); run again with output: ${exitText(again)} ${tail(again.stderr)}`);
      }
      samples[index].push(result.ms);
      await side.after?.(result);
      side.cleanup?.(invocation);
    }
  }
  return sides.map((side, index) => ({ label: side.label, samples: samples[index], stats: summary(samples[index]) }));
}

function printPair(pair) {
  const lines = [`\n${pair.id}. ${pair.title} [${currentEnv.label}]`];
  if (pair.error) {
    lines.push(`   FAILED: ${pair.error}`);
  } else {
    for (const side of pair.sides) {
      const s = side.stats;
      lines.push(`   ${side.label.padEnd(58)} median ${ms(s.median).padStart(8)}  p90 ${ms(s.p90).padStart(8)}  min ${ms(s.min).padStart(8)}  (n=${s.n})`);
    }
    lines.push(`   → ${pair.result}; target ${pair.target}: ${pair.met === undefined ? "(information)" : pair.met ? "met" : "NOT met"}`);
  }
  console.log(lines.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Machine

function sh(cmd, args, env = process.env) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], env }).trim();
  } catch {
    return "";
  }
}

function machine(tb) {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "")?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  const osName = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : "")?.[1] ?? os.type();
  const prosody = sh("prosodyctl", ["--config", tb.configFile, "about"]).split("\n")[0] || "unknown";
  const prosodyPackage = sh("dpkg-query", ["-W", "-f", "${Version}", "prosody"]);
  return {
    node: process.version,
    nproc: sh("nproc", []) || String(os.availableParallelism?.() ?? os.cpus().length),
    cpu,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${osName}, Linux ${os.release()}`,
    prosody: prosodyPackage ? `${prosody} (Debian package ${prosodyPackage})` : prosody,
    curl: sh("curl", ["--version"]).split("\n")[0].split(" ").slice(0, 2).join(" "),
    xmgr: sh(XMGR, ["--version"], baseEnv),
    commit: sh("git", ["-C", root, "describe", "--always", "--dirty"]),
  };
}

// ---------------------------------------------------------------------------------------------
// The run

const started = new Date();
const loadBefore = os.loadavg();
const home = mkdtempSync(join(os.tmpdir(), "xmgr-bench-"));
const minimalEnv = {
  // bin/xmgr starts the node found in PATH: this one.
  PATH: `${dirname(NODE)}:${process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin"}`,
  HOME: home,
  LANG: "C.UTF-8",
  XDG_CONFIG_HOME: join(home, "config"), // empty: no config file
  XDG_CACHE_HOME: join(home, "cache"), // xmgr's code cache: made by the warm-up, kept for the timed runs
};
/** The variables of the caller's environment that change how TLS and Node start (reported in BENCHMARKS.md). */
const TLS_VARIABLES = ["SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS", "NODE_OPTIONS"];
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
/**
 * The caller's environment as a user's shell has it: without what npm run adds (npm_* variables,
 * node_modules/.bin in PATH) and without XMGR_* settings; HOME and the XDG folders are the bench's.
 */
function callerEnvironment() {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm_|XMGR_|BENCH_)/i.test(name) && !["INIT_CWD", "NODE", "XDG_STATE_HOME"].includes(name)),
  );
  const path = (process.env.PATH ?? "").split(":").filter((dir) => dir && !dir.includes("node_modules/.bin") && !dir.includes("node-gyp-bin"));
  return { ...env, ...minimalEnv, PATH: [dirname(NODE), ...path].join(":"), LANG: process.env.LANG ?? minimalEnv.LANG };
}
const callerEnv = callerEnvironment();
/** The caller's environment with NODE_EXTRA_CA_CERTS the other way: removed, or (when the caller has none) set to the system bundle. */
const toggledEnv = { ...callerEnv };
if (callerEnv.NODE_EXTRA_CA_CERTS) delete toggledEnv.NODE_EXTRA_CA_CERTS;
else if (existsSync(SYSTEM_BUNDLE)) toggledEnv.NODE_EXTRA_CA_CERTS = SYSTEM_BUNDLE;
const ENVIRONMENTS = [
  { key: "minimal", label: "minimal environment", env: minimalEnv, all: true },
  { key: "caller", label: `caller's environment (${callerEnv.NODE_EXTRA_CA_CERTS ? "with" : "without"} NODE_EXTRA_CA_CERTS)`, env: callerEnv, all: true },
  ...(toggledEnv.NODE_EXTRA_CA_CERTS !== callerEnv.NODE_EXTRA_CA_CERTS
    ? [{ key: "toggled", label: `caller's environment ${toggledEnv.NODE_EXTRA_CA_CERTS ? `with NODE_EXTRA_CA_CERTS=${SYSTEM_BUNDLE}` : "without NODE_EXTRA_CA_CERTS"}`, env: toggledEnv, all: false }]
    : []),
];
/** The environment of the round being run: every pair runs in each of ENVIRONMENTS (the toggled one: only pairs 9, 10, 11 and 8). */
let baseEnv = minimalEnv;
const TOGGLED_PAIRS = ["9", "10", "11", "8"];
let currentEnv = ENVIRONMENTS[0];
const pairs = [];
const peers = [];
let tb;
let info;

const PASSWORDS = { alice: "alice-bench-pw", bob: "bob-bench-pw", carol: "carol-bench-pw", dave: "dave-bench-pw", bulk: "bulk-bench-pw" };
const ROOM = "bench";

try {
  console.log(`xmgr benchmark: ${RUNS} runs per pair (baseline ${BASELINE_RUNS}), warm-up ${WARMUP}, alternating A B A B`);
  tb = await startTestbed();
  info = machine(tb);
  console.log(`${info.prosody} on 127.0.0.1; node ${info.node}; ${info.nproc} × ${info.cpu}`);
  await Promise.all(Object.entries(PASSWORDS).map(([user, password]) => tb.register(user, password)));

  const alice = `alice@${tb.host}`;
  const direct = `xmpps://127.0.0.1:${tb.directTlsPort}`;
  const starttls = `127.0.0.1:${tb.c2sPort}`;
  const login = (jid, server) => ["--jid", jid, "--server", server, "--ca", tb.caFile];
  // What alice's listing shows: a connected SASL2 client, an OAuth2 grant, and xmgr's own clients.
  peers.push(await loginSasl2(tb, { username: "alice", password: PASSWORDS.alice, userAgent: { software: "Gajim", device: "alice's laptop" } }));
  await tb.createGrant("alice", PASSWORDS.alice);

  const prosodyctl = {
    label: `prosodyctl shell user list ${tb.host}`,
    prepare: () => ({ cmd: "prosodyctl", args: ["--config", tb.configFile, "shell", "user", "list", tb.host], env: baseEnv }),
    check: (r) => (r.stdout.includes(alice) ? undefined : `no ${alice} in its output: ${tail(r.stdout + r.stderr)}`),
  };
  const listed = (r) => (/OK: \d+ clients?/.test(r.stderr) && r.stdout.includes("client/") ? undefined : `no client list: ${tail(r.stdout + r.stderr)}`);
  // The mechanism of the login, from -v's "SEND <authenticate … mechanism=…>" (SASL2) or "<auth …>" (SASL).
  const mechanism = (r) => /^SEND <(?:authenticate|auth)\b[^>]*\bmechanism="([^"]+)"/m.exec(r.stderr)?.[1];

  /** A fresh XDG_STATE_HOME (no FAST token) holding only `clientId`: password logins that add no client entry to alice's list. */
  const freshPasswordState = (clientId) => {
    const state = mkdtempSync(join(home, "state-"));
    mkdirSync(join(state, "xmgr", "default"), { recursive: true, mode: 0o700 });
    writeFileSync(join(state, "xmgr", "default", "client-id"), `${clientId}\n`, { mode: 0o600 });
    return state;
  };

  /** xmgr user clients with a fresh state folder every run (no FAST token), a fixed client id in it
   *  so that alice's listing does not grow by one entry per run. The warm-up runs with -v and checks
   *  the login used SCRAM (the password). */
  const passwordSide = (server, label, user = "alice") => {
    const account = `${user}@${tb.host}`;
    const clientId = "0b3e1a6c-5f0e-4d7a-9a51-bench0password";
    let warmups = 0;
    return {
      label,
      prepare: () => {
        const state = freshPasswordState(clientId);
        const verbose = warmups++ < WARMUP ? ["-v"] : [];
        return { cmd: XMGR, args: [...verbose, ...login(account, server), "user", "clients", account], env: { ...baseEnv, XDG_STATE_HOME: state, XMGR_PASSWORD: PASSWORDS[user] } };
      },
      check: (r) => listed(r) ?? (mechanism(r)?.startsWith("SCRAM-") ? undefined : `logged in with ${mechanism(r)}, not SCRAM`),
      cleanup: (invocation) => rmSync(invocation.env.XDG_STATE_HOME, { recursive: true, force: true }),
    };
  };

  /** Bob (to be kicked, re-joins before each run) and Carol (keeps the room alive) in the room; the xmgr command. */
  let kickContext;
  const kickSetup = async () => {
    if (kickContext) return kickContext;
    const room = `${ROOM}@${tb.mucHost}`;
    const bob = await loginSasl2(tb, { username: "bob", password: PASSWORDS.bob });
    peers.push(bob);
    const carol = await loginSasl2(tb, { username: "carol", password: PASSWORDS.carol });
    peers.push(carol);
    await carol.joinRoom(room, "Carol");
    const url = `https://${tb.mucHost}:${tb.httpsPort}/muc_kick`;
    const reason = "Benchmark kick";
    kickContext = {
      room,
      url,
      reason,
      rejoin: async () => {
        await bob.joinRoom(room, "Bob");
      },
      kicked: async () => {
        const info = await bob.waitForKick(room, "Bob");
        if (info.reason !== reason) throw new Error(`Bob was kicked with reason ${JSON.stringify(info.reason)}`);
      },
      kickInvocation: (extraEnv = {}) => ({
        cmd: XMGR,
        args: ["muc", "kick", "--url", url, "--http-server", "127.0.0.1", "--ca", tb.caFile, room, "Bob", reason],
        env: { ...baseEnv, XMGR_MUC_KICK_AUTH: tb.mucKickAuth, ...extraEnv },
      }),
    };
    return kickContext;
  };

  const steps = [];
    // 1. password login vs prosodyctl
    steps.push(() =>
      pair("1", "xmgr user clients (password login, direct TLS) vs prosodyctl shell user list", async () => {
      const sides = await runPair(passwordSide(direct, "xmgr user clients (password, direct TLS)"), prosodyctl, RUNS);
      return ratioVerdict(sides, 2);
    }));

    // 1s. the same over STARTTLS, for information
    steps.push(() =>
      pair("1s", "xmgr user clients (password login, STARTTLS) vs prosodyctl shell user list", async () => {
      const sides = await runPair(passwordSide(starttls, "xmgr user clients (password, STARTTLS)"), prosodyctl, RUNS);
      return { ...ratioVerdict(sides, 2), met: undefined, target: "— (direct TLS is the measured setup)" };
    }));

    // 2. FAST login vs prosodyctl
    steps.push(() =>
      pair("2", "xmgr user clients (FAST login, direct TLS) vs prosodyctl shell user list", async () => {
      const state = join(home, `state-fast-${currentEnv.key}`); // a first password run per environment saves the token
      const env = { ...baseEnv, XDG_STATE_HOME: state, XMGR_PASSWORD: PASSWORDS.alice };
      const args = [...login(alice, direct), "user", "clients", alice];
      const first = await captured({ cmd: XMGR, args: ["-v", ...args], env });
      if (first.code !== 0 || !/^SEND <authenticate\b.*<request-token\b/m.test(first.stderr)) {
        throw new Error(`the first (password) run asked for no FAST token: ${exitText(first)} ${tail(first.stderr)}`);
      }
      const fastCheck = (r) => listed(r) ?? (mechanism(r)?.startsWith("HT-") ? undefined : `logged in with ${mechanism(r)}, not a FAST token`);
      let warmups = 0;
      const fast = {
        label: "xmgr user clients (FAST token, direct TLS)",
        prepare: () => ({ cmd: XMGR, args: [...(warmups++ < WARMUP ? ["-v"] : []), ...args], env }),
        check: fastCheck,
      };
      const sides = await runPair(fast, prosodyctl, RUNS);
      const last = await captured({ cmd: XMGR, args: ["-v", ...args], env });
      const problem = last.code !== 0 ? exitText(last) : fastCheck(last);
      if (problem) throw new Error(`after the timed runs, FAST no longer works: ${problem}`);
      return ratioVerdict(sides, 2);
    }));

    // 3. the library-default baseline vs xmgr, both listing dave's clients: every @xmpp/client run
    // leaves a client entry with a FAST token (a random client id, the token kept in memory only),
    // which on alice would lengthen every later listing of pairs 9, 10, 11 and 8.
    steps.push(() =>
      pair("3", "xmgr user clients (password login) vs the same listing with @xmpp/client 0.14 defaults", async () => {
      const baseline = {
        label: "@xmpp/client 0.14 defaults (SCRAM-SHA-1 in JS)",
        prepare: () => ({ cmd: NODE, args: [BASELINE, direct, tb.host, "dave", tb.caFile], env: { ...baseEnv, BASELINE_PASSWORD: PASSWORDS.dave } }),
        check: (r) => (/^\d+ clients$/m.test(r.stdout) ? undefined : `unexpected output: ${tail(r.stdout + r.stderr)}`),
      };
      const [xmgr, library] = await runPair(passwordSide(direct, "xmgr user clients (password, direct TLS)", "dave"), baseline, BASELINE_RUNS);
      const speedup = library.stats.median / xmgr.stats.median;
      return { sides: [xmgr, library], result: `xmgr is ${times(speedup)} faster`, figure: times(speedup), target: "≥ 15× faster", met: speedup >= 15 };
    }));

    // 4. muc kick vs curl
    steps.push(() =>
      pair("4", "xmgr muc kick vs curl sending the same POST", async () => {
      const { room, url, reason, rejoin, kicked, kickInvocation } = await kickSetup();
      const xmgr = {
        label: "xmgr muc kick (HTTPS)",
        prepare: async () => {
          await rejoin();
          return kickInvocation();
        },
        check: (r) => (r.stderr.includes("OK: Kicked Bob") ? undefined : `unexpected output: ${tail(r.stdout + r.stderr)}`),
        after: kicked,
      };
      const body = JSON.stringify({ nickname: "Bob", muc: room, reason });
      const curl = {
        label: "curl (the same POST)",
        prepare: async () => {
          await rejoin();
          return {
            cmd: "curl",
            args: [
              "--silent", "--show-error", "--fail", "--output", "/dev/null",
              "--resolve", `${tb.mucHost}:${tb.httpsPort}:127.0.0.1`, "--cacert", tb.caFile,
              "--header", "content-type: application/json", "--header", `authorization: ${tb.mucKickAuth}`, "--header", "user-agent: xmgr",
              "--data-binary", body, url,
            ],
            env: baseEnv,
          };
        },
        after: kicked,
      };
      const sides = await runPair(xmgr, curl, RUNS);
      const difference = sides[0].stats.median - sides[1].stats.median;
      return { sides, result: `${signedMs(difference)} (${times(sides[0].stats.median / sides[1].stats.median)})`, figure: signedMs(difference), target: "≤ curl + 150 ms", met: difference <= 150 };
    }));

    // 5. --help vs node -e 0
    steps.push(() =>
      pair("5", "xmgr --help vs node -e 0", async () => {
      const sides = await runPair(
        {
          label: "xmgr --help",
          prepare: () => ({ cmd: XMGR, args: ["--help"], env: baseEnv }),
          check: (r) => (r.stdout.startsWith("Usage: xmgr") ? undefined : `unexpected output: ${tail(r.stdout + r.stderr)}`),
        },
        { label: "node -e 0", prepare: () => ({ cmd: NODE, args: ["-e", "0"], env: baseEnv }) },
        RUNS,
      );
      const difference = sides[0].stats.median - sides[1].stats.median;
      return { sides, result: `${signedMs(difference)} (${times(sides[0].stats.median / sides[1].stats.median)})`, figure: signedMs(difference), target: "≤ node -e 0 + 80 ms", met: difference <= 80 };
    }));

    // 9. the issue 12 setup: FAST login over STARTTLS vs prosodyctl; 10. the same vs node -e 0 (xmgr's own share)
    const fastStarttls = () => {
      const env = { ...baseEnv, XDG_STATE_HOME: join(home, "state-fast-starttls"), XMGR_PASSWORD: PASSWORDS.alice };
      const args = [...login(alice, starttls), "user", "clients", alice];
      let warmups = 0;
      return {
        label: "xmgr user clients (FAST token, STARTTLS)",
        // The first warm-up saves the token (password login); later runs must use it.
        prepare: () => ({ cmd: XMGR, args: [...(warmups++ < WARMUP ? ["-v"] : []), ...args], env }),
        check: (r, round) => listed(r) ?? (round === 0 || mechanism(r)?.startsWith("HT-") ? undefined : `logged in with ${mechanism(r)}, not a FAST token`),
      };
    };
    steps.push(() =>
      pair("9", "xmgr user clients (FAST login, STARTTLS) vs prosodyctl shell user list", async () => {
      const sides = await runPair(fastStarttls(), prosodyctl, RUNS);
      return ratioVerdict(sides, 2);
    }));
    steps.push(() =>
      pair("10", "xmgr user clients (FAST login, STARTTLS) vs node -e 0: xmgr's own share", async () => {
      const sides = await runPair(fastStarttls(), { label: "node -e 0", prepare: () => ({ cmd: NODE, args: ["-e", "0"], env: baseEnv }) }, RUNS);
      const difference = sides[0].stats.median - sides[1].stats.median;
      // The target (≤ 25 ms plus the network exchange) is checked against §8's phases of the same environment, in renderReport.
      return { sides, share: difference, result: `${signedMs(difference)}`, figure: signedMs(difference), target: "≤ 25 ms + the exchange (§8)" };
    }));

    // 11. the same xmgr run vs the same exchange written with Node's net and tls alone: the floor of any Node.js program
    steps.push(() =>
      pair("11", "xmgr user clients (FAST login, STARTTLS) vs the same exchange by a minimal Node.js client (information)", async () => {
      const xmgr = fastStarttls();
      // bin/xmgr hands NODE_EXTRA_CA_CERTS over under another name so that Node does not parse it at start; so is it here.
      const { NODE_EXTRA_CA_CERTS: _extra, ...minimalClientEnv } = baseEnv;
      const minimal = {
        label: "minimal Node.js client (net + tls, the same exchange)",
        prepare: () => ({ cmd: NODE, args: ["--use-openssl-ca", MINIMAL_CLIENT, String(tb.c2sPort), tb.host, tb.caFile, join(home, "state-fast-starttls")], env: minimalClientEnv }),
        check: (r) => (/^\d+ clients$/m.test(r.stdout) ? undefined : `unexpected output: ${tail(r.stdout + r.stderr)}`),
      };
      const sides = await runPair(xmgr, minimal, RUNS);
      const difference = sides[0].stats.median - sides[1].stats.median;
      return { sides, result: `${signedMs(difference)} (${times(sides[0].stats.median / sides[1].stats.median)})`, figure: signedMs(difference), target: "—", met: undefined };
    }));

    // 12. the same listing answered by a kept session (issue 25): the first warm-up starts it, the
    // timed runs reuse it; three rounds, the verdict on the median of each side's round medians.
    steps.push(() =>
      pair("12", "xmgr user clients with a kept session vs prosodyctl shell user list", async () => {
      const runtime = mkdtempSync(join(home, "run-"));
      const env = { ...baseEnv, XDG_STATE_HOME: join(home, "state-kept"), XDG_RUNTIME_DIR: runtime, XMGR_KEEP: "600", XMGR_PASSWORD: PASSWORDS.alice };
      const socket = join(runtime, "xmgr", `default.${alice}.sock`);
      const kept = {
        label: "xmgr user clients (kept session, STARTTLS)",
        prepare: () => ({ cmd: XMGR, args: [...login(alice, starttls), "user", "clients", alice], env }),
        check: (r) => listed(r) ?? (existsSync(socket) ? undefined : "no kept session listening after the run"),
      };
      // Its output is the same either way: that the kept session answered is read from the server's
      // log, where each of alice's logins leaves a line (prosodyctl does not log in over c2s).
      const logins = () => tb.log().split("\n").filter((line) => /c2s/.test(line) && /Authenticated as alice@|authentication success/i.test(line)).length;
      try {
        await captured(kept.prepare());
        const loginsBefore = logins();
        const rounds = [];
        for (let round = 0; round < 3; round++) rounds.push(await runPair(kept, prosodyctl, RUNS));
        const loggedIn = logins() - loginsBefore;
        if (loggedIn > 0) throw new Error(`${loggedIn} logins during the timed runs: the kept session did not answer them all`);
        const medianOf = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
        const sides = rounds[0].map((side, index) => {
          const samples = rounds.flatMap((r) => r[index].samples);
          return { label: side.label, samples, stats: { ...summary(samples), median: medianOf(rounds.map((r) => r[index].stats.median)) } };
        });
        if (!existsSync(socket)) throw new Error("the kept session was gone by the end of the timed runs");
        return ratioVerdict(sides, 1.0);
      } finally {
        await captured({ cmd: XMGR, args: [...login(alice, starttls), "session", "stop"], env });
      }
    }));

    // 6. parse and render big <clients/> answers in-process
    steps.push(async () => {
    if (wanted("6") && currentEnv.all) {
      const sizes = [1000, 10000];
      const outputs = ["table", "json"];
      const samples = new Map(sizes.flatMap((size) => outputs.map((output) => [`${size} ${output}`, []])));
      let error;
      try {
        const files = new Map();
        for (const size of sizes) {
          files.set(size, join(home, `clients-${size}.xml`));
          const made = await captured({ cmd: NODE, args: [INPROC, "generate", String(size), files.get(size)], env: baseEnv });
          if (made.code !== 0) throw new Error(`generating ${size} clients: ${exitText(made)} ${tail(made.stderr)}`);
        }
        for (let sample = 0; sample < INPROC_SAMPLES; sample++) {
          for (const size of sizes) {
            for (const output of outputs) {
              const r = await captured({ cmd: NODE, args: ["--expose-gc", INPROC, "measure", files.get(size), output], env: baseEnv });
              if (r.code !== 0) throw new Error(`${size} clients, ${output}: ${exitText(r)} ${tail(r.stderr)}`);
              const measured = JSON.parse(r.stdout);
              if (measured.count !== size) throw new Error(`${size} clients, ${output}: parseClients returned ${measured.count}`);
              samples.get(`${size} ${output}`).push(measured);
            }
          }
        }
      } catch (failure) {
        error = failure.message;
      }
      const rows = error
        ? []
        : sizes.map((size) => {
            const paths = Object.fromEntries(
              outputs.map((output) => {
                const runs = samples.get(`${size} ${output}`);
                const median = (key) => summary(runs.map(key)).median;
                return [
                  output,
                  {
                    n: runs.length,
                    parse: median((r) => r.parseMs),
                    model: median((r) => r.modelMs),
                    output: median((r) => r.outputMs),
                    total: summary(runs.map((r) => r.parseMs + r.modelMs + r.outputMs)),
                    peak: Math.max(...runs.map((r) => r.maxRss)),
                    rssBefore: median((r) => r.rssBefore),
                    heapGrowth: median((r) => r.heapAfter - r.heapBefore),
                    replacementChars: Math.max(...runs.map((r) => r.replacementChars)),
                  },
                ];
              }),
            );
            const { table, json } = paths;
            const worst = Math.max(table.total.median, json.total.median);
            const peak = Math.max(table.peak, json.peak);
            return {
              size,
              xmlBytes: samples.get(`${size} table`)[0].xmlBytes,
              table,
              json,
              worst,
              peak,
              met: size === 10000 ? worst <= 300 && peak <= 150 * 1024 * 1024 : undefined,
            };
          });
      pairs.push({ id: "6", env: currentEnv.key, title: "In-process: parse and render a `<clients/>` answer of 1,000 and 10,000 clients", inproc: rows, error });
      printInproc(pairs.at(-1));
    }
    });

    // 8. where the time of one run goes (information; numbered after the issue's pairs, run before 7,
    //    which leaves the server busy with 1,000 grants)
    steps.push(async () => {
    if (wanted("8")) {
      const entry = { id: "8", env: currentEnv.key, title: "Where the time goes in one xmgr run (information)" };
      try {
        const marksFile = join(home, "phases.json");
        const preload = { NODE_OPTIONS: `${baseEnv.NODE_OPTIONS ? `${baseEnv.NODE_OPTIONS} ` : ""}--import ${PHASES}` };
        const fastState = join(home, "state-phases");
        const listArgs = [...login(alice, direct), "user", "clients", alice];
        const { rejoin, kicked, kickInvocation } = await kickSetup();
        const fastStarttlsState = join(home, "state-phases-starttls");
        const commands = [
          {
            label: "xmgr user clients (FAST token, STARTTLS)",
            invocation: () => ({ cmd: XMGR, args: [...login(alice, starttls), "user", "clients", alice], env: { ...baseEnv, ...preload, XDG_STATE_HOME: fastStarttlsState, XMGR_PASSWORD: PASSWORDS.alice, BENCH_PHASES_FILE: marksFile } }),
          },
          { label: "xmgr user clients (FAST token)", invocation: () => ({ cmd: XMGR, args: listArgs, env: { ...baseEnv, ...preload, XDG_STATE_HOME: fastState, XMGR_PASSWORD: PASSWORDS.alice, BENCH_PHASES_FILE: marksFile } }) },
          {
            label: "xmgr user clients (FAST token, no code cache)",
            invocation: () => ({ cmd: XMGR, args: listArgs, env: { ...baseEnv, ...preload, XDG_CACHE_HOME: mkdtempSync(join(home, "cache-")), XDG_STATE_HOME: fastState, XMGR_PASSWORD: PASSWORDS.alice, BENCH_PHASES_FILE: marksFile } }),
          },
          { label: "xmgr user clients (password)", fresh: true, invocation: () => ({ cmd: XMGR, args: listArgs, env: { ...baseEnv, ...preload, XDG_STATE_HOME: freshPasswordState("0b3e1a6c-5f0e-4d7a-9a51-bench0phases00"), XMGR_PASSWORD: PASSWORDS.alice, BENCH_PHASES_FILE: marksFile } }) },
          { label: "xmgr muc kick", before: rejoin, after: kicked, invocation: () => kickInvocation({ ...preload, BENCH_PHASES_FILE: marksFile }) },
        ];
        // One untimed run each first (the FAST run saves its token there).
        for (const command of commands) {
          await command.before?.();
          const r = await captured(command.invocation());
          if (r.code !== 0) throw new Error(`${command.label}: ${exitText(r)} ${tail(r.stderr)}`);
          await command.after?.();
        }
        const runs = new Map(commands.map((command) => [command.label, []]));
        for (let run = 0; run < Math.min(RUNS, 10); run++) {
          for (const command of commands) {
            await command.before?.();
            rmSync(marksFile, { force: true });
            const invocation = command.invocation();
            const r = await timed(invocation);
            if (r.code !== 0) throw new Error(`${command.label}: ${exitText(r)}`);
            if (command.fresh) rmSync(invocation.env.XDG_STATE_HOME, { recursive: true, force: true });
            await command.after?.();
            const m = JSON.parse(readFileSync(marksFile, "utf8"));
            runs.get(command.label).push({
              node: m.preload,
              startup: m.socketCreated - m.preload,
              secureContext: m.secureContextMs,
              connect: m.tlsDone - m.socketCreated,
              serverFirst: m.firstData - m.firstWrite,
              exchange: m.lastClose - m.firstData + (m.firstWrite - m.tlsDone),
              shutdown: m.exit - m.lastClose,
              teardown: r.ms - m.exit,
              total: r.ms,
            });
          }
        }
        entry.phases = commands.map((command) => {
          const list = runs.get(command.label);
          const median = (key) => summary(list.map((r) => r[key])).median;
          return { label: command.label, n: list.length, ...Object.fromEntries(PHASE_KEYS.map(([key]) => [key, median(key)])) };
        });
      } catch (failure) {
        entry.error = failure.message;
      }
      pairs.push(entry);
      const lines = [`\n8. ${entry.title}`];
      if (entry.error) lines.push(`   FAILED: ${entry.error}`);
      for (const row of entry.phases ?? []) {
        lines.push(`   ${row.label.padEnd(32)} ${PHASE_KEYS.map(([key, name]) => `${name} ${ms(row[key])}`).join(", ")}`);
      }
      console.log(lines.join("\n"));
    }
    });

  // Each pair in every environment one after the other, so that the server's state (which grows a
  // little with each login) weighs on the environments alike.
  for (const step of steps) {
    for (const environment of ENVIRONMENTS) {
      baseEnv = environment.env;
      currentEnv = environment;
      console.log(`\n=== ${environment.label}`);
      await step();
    }
  }

  // 7 runs last, in each environment: its 1,000 grants (created and revoked) leave Prosody slower at
  // listing alice's clients, which would weigh on every pair run after it.
  for (const environment of ENVIRONMENTS.filter((e) => e.all)) {
    baseEnv = environment.env;
    currentEnv = environment;
    // 7. 1,000 revocations in one xmgr shell session (issue 5)
    if (wanted("7")) {
      const entry = { id: "7", env: currentEnv.key, title: `${SHELL_REVOCATIONS} revocations in one xmgr shell session` };
      pairs.push(entry);
      try {
        const probe = await captured({ cmd: XMGR, args: ["shell", "--help"], env: baseEnv });
        if (probe.code !== 0 || !/^Usage: xmgr shell\b/m.test(probe.stdout)) {
          entry.skipped = "skipped: xmgr shell not available";
        } else if (existsSync(BENCH_SHELL)) {
          // The shell's own benchmark (issue 5) knows its options; it runs against this test bed.
          const { benchShell } = await import(BENCH_SHELL);
          const r = await benchShell({ tb, revocations: SHELL_REVOCATIONS, env: baseEnv });
          Object.assign(entry, { ms: r.ms, revoked: r.revocations, accounts: r.accounts, serverMs: r.serverMs, grantSetupMs: r.grantSetupMs, met: r.ms < 5000, via: "scripts/bench-shell.mjs" });
        } else {
          Object.assign(entry, await shellRevocations(tb, login));
        }
      } catch (failure) {
        entry.error = failure.message;
      }
      console.log(`\n7. ${entry.title}\n   ${entry.skipped ?? entry.error ?? `${ms(entry.ms)} for ${entry.revoked} revocations (${entry.grantSetupMs ? `set-up: ${ms(entry.grantSetupMs)} to create the grants` : ""}); target < 5 s: ${entry.met ? "met" : "NOT met"}`}`);
    }
  }
} catch (failure) {
  console.error(`\nbenchmark aborted: ${failure.stack ?? failure}`);
  if (tb) console.error(`Prosody log (last lines):\n${tail(tb.log(), 20)}`);
  process.exitCode = 1;
} finally {
  await stopAll(...peers).catch(() => undefined);
  await tb?.stop().catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
}

if (info && pairs.length > 0) {
  const report = renderReport();
  console.log(`\n${report.summary}`);
  // Issue 4's pairs must all have run; 7 (another issue's hook) and 8 (information) are reported as they went.
  const failed = process.exitCode === 1 || pairs.some((entry) => entry.error && !["7", "8"].includes(entry.id));
  if (outFile && !failed) {
    writeFileSync(outFile, report.markdown);
    console.log(`\nwrote ${outFile}`);
  } else if (outFile) {
    console.log(`\n${outFile} not written: something failed (see above).`);
  }
}
if (pairs.some((p) => p.error)) process.exitCode = 1;

// ---------------------------------------------------------------------------------------------

async function pair(id, title, body) {
  if (!wanted(id) || (!currentEnv.all && !TOGGLED_PAIRS.includes(id))) return;
  const entry = { id, title, env: currentEnv.key };
  pairs.push(entry);
  try {
    Object.assign(entry, await body());
  } catch (failure) {
    entry.error = failure.message;
  }
  printPair(entry);
}

function ratioVerdict(sides, limit) {
  const ratio = sides[0].stats.median / sides[1].stats.median;
  return { sides, result: `${times(ratio)} (${signedMs(sides[0].stats.median - sides[1].stats.median)})`, figure: times(ratio), target: `≤ ${limit}×`, met: ratio <= limit };
}

function printInproc(entry) {
  const lines = [`\n6. ${entry.title}`];
  if (entry.error) lines.push(`   FAILED: ${entry.error}`);
  for (const row of entry.inproc) {
    lines.push(`   ${row.size.toLocaleString("en")} clients (${(row.xmlBytes / 1024).toFixed(0)} KiB of XML):`);
    for (const [name, path] of [["table", row.table], ["--json", row.json]]) {
      lines.push(
        `     ${name.padEnd(6)} parse ${ms(path.parse)} + parseClients ${ms(path.model)} + ${name === "table" ? "renderTable" : "JSON.stringify"} ${ms(path.output)} ` +
          `= ${ms(path.total.median)} (p90 ${ms(path.total.p90)}); peak RSS ${mb(path.peak)} (${mb(path.rssBefore)} before parsing)` +
          (path.replacementChars ? `; WARNING: ${path.replacementChars} U+FFFD in the parsed text` : ""),
      );
    }
    if (row.met !== undefined) lines.push(`     → target ≤ 300 ms within 150 MB: ${row.met ? "met" : "NOT met"} (${ms(row.worst)}, ${mb(row.peak)})`);
  }
  console.log(lines.join("\n"));
}

/** Grants for a spare account, then one `xmgr shell` reading one revoke_client line per grant. */
async function shellRevocations(tb, login) {
  const bulk = `bulk@${tb.host}`;
  const grantStart = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < SHELL_REVOCATIONS) {
        next++;
        await tb.createGrant("bulk", PASSWORDS.bulk);
      }
    }),
  );
  const grantSetupMs = Number(process.hrtime.bigint() - grantStart) / 1e6;
  const env = { ...baseEnv, XDG_STATE_HOME: join(home, "state-shell"), XMGR_PASSWORD: PASSWORDS.bulk };
  const listGrants = async () => {
    // The server takes seconds to list 1,000 grants (mod_tokenauth reads each grant's info), hence the timeout.
    const r = await captured({ cmd: XMGR, args: ["--timeout", "300", "--json", ...login(bulk, `xmpps://127.0.0.1:${tb.directTlsPort}`), "user", "clients", bulk], env });
    if (r.code !== 0) throw new Error(`listing ${bulk}: ${exitText(r)} ${tail(r.stderr)}`);
    return JSON.parse(r.stdout).clients.map((client) => client.id).filter((id) => id.startsWith("grant/"));
  };
  const grants = await listGrants();
  if (grants.length < SHELL_REVOCATIONS) throw new Error(`${grants.length} grants listed, ${SHELL_REVOCATIONS} created`);
  const commands = join(home, "revocations.txt");
  writeFileSync(commands, grants.map((id) => `user revoke_client ${bulk} ${id}\n`).join(""));
  // Output captured (1,000 results to read), timed from spawn to exit like every other run.
  const result = await captured({ cmd: XMGR, args: [...login(bulk, `xmpps://127.0.0.1:${tb.directTlsPort}`), "shell"], env, stdin: commands });
  if (result.code !== 0) throw new Error(`xmgr shell < ${grants.length} revocations: ${exitText(result)} ${tail(result.stderr, 3)}`);
  const left = await listGrants();
  if (left.length > 0) throw new Error(`${left.length} grants still listed after the shell session`);
  return { ms: result.ms, revoked: grants.length, grantSetupMs, met: result.ms < 5000 };
}

function renderReport() {
  const loadAfter = os.loadavg();
  const order = ["1", "1s", "2", "9", "10", "11", "12", "3", "4", "5", "6", "7", "8"];
  const envOrder = ENVIRONMENTS.map((environment) => environment.key);
  pairs.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id) || envOrder.indexOf(a.env) - envOrder.indexOf(b.env));
  const envName = (key) => ENVIRONMENTS.find((environment) => environment.key === key)?.label ?? key;
  // Pair 10's target: xmgr's own share ≤ 25 ms plus the time on the wire (§8's STARTTLS FAST row, same environment).
  // With STARTTLS xmgr makes its TLS context while the server answers its first stream header: that
  // is xmgr's own work, so it is taken out of the exchange.
  for (const entry of pairs.filter((p) => p.id === "10" && p.sides)) {
    const row = pairs.find((p) => p.id === "8" && p.env === entry.env)?.phases?.find((r) => r.label === "xmgr user clients (FAST token, STARTTLS)");
    if (!row) continue;
    entry.exchange = row.connect - row.secureContext + row.serverFirst + row.exchange;
    entry.target = `≤ 25 ms + exchange ${ms(entry.exchange)} = ${ms(25 + entry.exchange)}`;
    entry.met = entry.share <= 25 + entry.exchange;
    entry.figure = signedMs(entry.share);
  }
  const summaryRows = [];
  for (const entry of pairs) {
    if (entry.inproc) {
      if (entry.error) summaryRows.push([entry.id, entry.title, envName(entry.env), "failed", entry.error, "", ""]);
      for (const row of entry.inproc) {
        const figure = `${ms(row.worst)}, ${mb(row.peak)}`;
        summaryRows.push([
          entry.id,
          `parse + render ${row.size.toLocaleString("en")} clients: table / --json`,
          envName(entry.env),
          `${ms(row.table.total.median)} / ${ms(row.json.total.median)}`,
          `peak RSS ${mb(row.table.peak)} / ${mb(row.json.peak)}`,
          row.met === undefined ? "—" : "≤ 300 ms, ≤ 150 MB",
          row.met === undefined ? "—" : `${row.met ? "yes" : "no"} (${figure})`,
        ]);
      }
    } else if (entry.phases || (entry.id === "8" && entry.error)) {
      summaryRows.push([entry.id, entry.title, envName(entry.env), entry.error ? "failed" : "see below", entry.error ?? "", "—", "—"]);
    } else if (entry.sides) {
      const [a, b] = entry.sides;
      summaryRows.push([
        entry.id,
        `${a.label} vs ${b.label}`,
        envName(entry.env),
        `${ms(a.stats.median)} vs ${ms(b.stats.median)}`,
        entry.result,
        entry.target,
        entry.met === undefined ? "—" : `${entry.met ? "yes" : "no"} (${entry.figure})`,
      ]);
    } else {
      summaryRows.push([entry.id, entry.title, envName(entry.env), entry.skipped ?? (entry.error ? "failed" : ms(entry.ms)), entry.error ?? "", entry.id === "7" ? "< 5 s (issue 5)" : "", entry.met === undefined ? "—" : `${entry.met ? "yes" : "no"} (${ms(entry.ms)})`]);
    }
  }
  const summaryTable = markdownTable(["#", "Pair (A vs B)", "Environment", "Medians A vs B", "Result", "Target", "Met"], summaryRows);
  // The same pairs side by side: one column per environment.
  const sideBySideRows = order
    .filter((id) => pairs.some((p) => p.id === id && p.sides))
    .map((id) => {
      const first = pairs.find((p) => p.id === id && p.sides);
      return [
        id,
        `${first.sides[0].label} vs ${first.sides[1].label}`,
        ...ENVIRONMENTS.map((environment) => {
          const entry = pairs.find((p) => p.id === id && p.env === environment.key);
          if (!entry) return "—";
          if (entry.error) return "failed";
          const met = entry.met === undefined ? "" : entry.met ? " ✓" : " ✗";
          return `${ms(entry.sides[0].stats.median)} vs ${ms(entry.sides[1].stats.median)}: ${entry.result}${met}`;
        }),
      ];
    });
  const sideBySide = markdownTable(["#", "Pair (A vs B)", ...ENVIRONMENTS.map((environment) => environment.label)], sideBySideRows);

  const details = [];
  for (const entry of pairs) {
    details.push(`### ${entry.id}. ${entry.title} — ${envName(entry.env)}\n`);
    if (entry.error) details.push(`Failed: ${entry.error}\n`);
    if (entry.sides) {
      details.push(
        markdownTable(
          ["Command", "Runs", "Median", "p90", "Min", "Max"],
          entry.sides.map((side) => [side.label, String(side.stats.n), ms(side.stats.median), ms(side.stats.p90), ms(side.stats.min), ms(side.stats.max)]),
        ),
        `\nResult: ${entry.result}; target ${entry.target}.\n`,
      );
    }
    if (entry.inproc?.length) {
      const rows = entry.inproc.flatMap((row) =>
        [["table", row.table], ["--json", row.json]].map(([name, path]) => [
          row.size.toLocaleString("en"),
          `${(row.xmlBytes / 1024).toFixed(0)} KiB`,
          name,
          ms(path.parse),
          ms(path.model),
          ms(path.output),
          `${ms(path.total.median)} (${ms(path.total.p90)})`,
          `${mb(path.peak)} (${mb(path.rssBefore)})`,
          mb(path.heapGrowth),
        ]),
      );
      details.push(
        markdownTable(["Clients", "XML", "Output", "parse", "parseClients", "renderTable / JSON.stringify", "Total (p90)", "Peak RSS (before)", "Heap growth"], rows),
        `\nMedians of ${entry.inproc[0].table.n} fresh \`node --expose-gc\` processes per size and output; peak RSS is the largest ` +
          `\`process.resourceUsage().maxRSS\` among them: the whole process (Node itself, the XML document read from a file, the parsed ` +
          `elements, the clients and the output text); "before" is the RSS after reading the document, before parsing. The target is ` +
          `checked on the slower output and the larger peak.\n`,
      );
    }
    if (entry.phases) {
      details.push(
        markdownTable(
          ["Command", "Runs", ...PHASE_KEYS.map(([, name]) => name)],
          entry.phases.map((row) => [row.label, String(row.n), ...PHASE_KEYS.map(([key]) => ms(row[key]))]),
        ),
        `\nMedians per phase (they need not add up to the median total). Marks from scripts/bench/phases.mjs, preloaded with \`NODE_OPTIONS=--import …\`: ` +
          `Node start-up = until the preload runs; xmgr start-up = until the first socket connects (imports, settings, and with direct TLS the TLS context); ` +
          `TCP connect (+ STARTTLS) + TLS handshake = from there until the TLS handshake is done (with STARTTLS: the plain stream, <starttls/> and <proceed/>, ` +
          `during which xmgr sets up its TLS context); TLS context set-up = time in tls.createSecureContext (OpenSSL's first use, the CA); ` +
          `wait for the server's first byte = from xmgr's first write after the TLS handshake to the first data read; rest of the exchange = ` +
          `login, request, answer and close; after exit = from the 'exit' event until the parent sees the process end. ` +
          `The preload itself adds about 10 ms, so totals are above the pairs' medians. "No code cache": each run with an empty ` +
          `XDG_CACHE_HOME, as the first run after an install or upgrade.\n`,
      );
    }
    if (entry.id === "7") {
      details.push(
        entry.skipped
          ? `${entry.skipped} (\`bin/xmgr shell --help\` does not print the shell's usage), so nothing was measured.\n`
          : entry.error
            ? ""
            : `${entry.revoked} \`user revoke_client\` lines on stdin, one \`xmgr shell\` process (login included): ${ms(entry.ms)}` +
              `${entry.via ? ` (measured by ${entry.via})` : ""}. Creating the grants beforehand (not in the figure) took ${ms(entry.grantSetupMs)}.` +
              (entry.accounts ? ` The grants belong to ${entry.accounts} accounts and are revoked by the admin${entry.serverMs === undefined ? "" : `; Prosody itself was busy ${ms(entry.serverMs)} of the run`}. Prosody's mod_tokenauth re-reads all of an account's grants on every list and revoke, so 1,000 grants on ONE account take about 52 s of server time, whatever the client does.` : "") +
              "\n",
      );
    }
  }

  const markdown = `# Benchmarks

Written by \`npm run bench\` (scripts/bench.mjs) on ${started.toISOString().replace(/\.\d+Z$/, "Z")}. The targets are those of issue 4, for pairs 9 and 10 of issue 12, and for pair 12 of issue 25.

## Machine

- Node ${info.node}; ${info.nproc} CPUs (\`nproc\`): ${info.cpu}; ${info.memory} RAM
- ${info.os}
- ${info.prosody}; ${info.curl}
- xmgr ${info.xmgr} (\`git describe\`: ${info.commit})
- Load average before / after the run: ${loadBefore.map((l) => l.toFixed(2)).join(" ")} / ${loadAfter.map((l) => l.toFixed(2)).join(" ")}${
    loadBefore[0] > Number(info.nproc) / 2
      ? `\n- Note: other work was running when the benchmark started (1-minute load average ${loadBefore[0].toFixed(2)} on ${info.nproc} CPUs); ` +
        `absolute figures are higher than on an idle machine, ratios less so (A and B alternate).`
      : ""
  }
- The caller's environment (what \`npm run bench\` was started with) had: ${TLS_VARIABLES.map((name) => `${name}=${callerEnv[name] === undefined ? "(unset)" : `\`${callerEnv[name]}\``}`).join(", ")}

## Method

- A throwaway Prosody 13 on 127.0.0.1 (the test bed of test/support/testbed.ts, debug log to a file), accounts and peers made for the run:
  alice has a connected SASL2 client (Gajim), an OAuth2 grant and xmgr's own client entries.
- Each pair runs alternately, A B A B …: ${WARMUP} warm-up round${WARMUP === 1 ? "" : "s"} whose output is checked (the listing, the login mechanism
  from \`-v\`, the kick arriving at the occupant), then ${RUNS} timed runs of each (${BASELINE_RUNS} for the @xmpp/client baseline, which takes seconds).
- Every pair runs in each environment, one after the other: the **minimal environment** (PATH, HOME, LANG, an empty XDG_CONFIG_HOME,
  XDG_CACHE_HOME, nothing else) and the **caller's environment** (the one \`npm run bench\` got, less npm's own variables and XMGR_*, with
  the bench's HOME and XDG folders; its TLS and Node variables are listed under Machine)${ENVIRONMENTS.length > 2 ? `; pairs 9, 10, 11 and 8 also in the ${ENVIRONMENTS[2].label}` : ""}.
  Pair 7 runs after all the others, in each environment: the 1,000 grants it creates and revokes leave Prosody slower at listing an account's clients.
- Every timed run is a child process started with \`child_process.spawn\` (stdio ignored, the round's environment), timed with \`process.hrtime.bigint()\` from spawn to exit. xmgr is \`bin/xmgr …\` (read by sh, which runs
  node --use-openssl-ca on it), with its code cache in an XDG_CACHE_HOME the warm-up fills; prosodyctl is
  \`prosodyctl --config <test bed config> shell user list ${tb?.host ?? "example.test"}\`.
- Password login: a fresh XDG_STATE_HOME every run (no FAST token), holding only a fixed client id so that the listing does not grow.
  FAST login: one state folder kept; a first password run saved the token, the warm-up and a final \`-v\` run check that the login is HT-SHA-256-*.
  Both connect with direct TLS (\`--server xmpps://127.0.0.1:PORT\`); pair 1s shows the same over STARTTLS.
- The baseline is scripts/bench/baseline-client.mjs: @xmpp/client 0.14 with its defaults (SCRAM-SHA-1 from sasl-scram-sha-1, SASL2, bind2,
  reconnect), told only to trust the test bed's certificate for example.test while connecting to 127.0.0.1. Pair 3 runs on its own
  account (dave; both sides list dave's clients): each @xmpp/client run leaves a client entry with a FAST token (a random client id),
  which on alice would lengthen the listing of every later pair (measured: pair 9's xmgr side +9 ms after pair 3 on alice).
- muc kick: an occupant (Bob) re-joins before every run, another occupant keeps the room; each run is checked by Bob receiving the 307 kick
  with the reason. curl sends the same POST (same URL via \`--resolve\`, \`--cacert\`, same headers and body). Both wait about 40 ms for
  the answer (§8, "wait for the server's first byte"): Prosody sends its two TLS 1.3 session tickets as two small packets with Nagle's
  algorithm on, so the second, and the answer behind it, leave only when the client acknowledges the first, which its kernel delays by
  40 ms because the client has nothing more to send (strace shows the same gap for curl).
- In-process: scripts/bench/clients-inproc.mjs builds a \`<clients/>\` answer like the captured transcript (varied ids, types, auth kinds,
  software/version/id, devices with non-ASCII, a few without last-seen) and runs it through @xmpp/xml's stream parser (ltx), parseClients,
  renderTable without colour or JSON.stringify, each in fresh processes.
- Medians, p90 (nearest rank), min and max are over the timed runs.

## Results

Side by side (medians A vs B: result; ✓ target met, ✗ not met):

${sideBySide}

Pair 9 is issue 12's setup (FAST login over STARTTLS, as a user runs it after the first login) against prosodyctl; pair 10 is the
same xmgr run against \`node -e 0\` in the same environment: xmgr's own share, whose target is 25 ms plus the time on the wire
(§8's "xmgr user clients (FAST token, STARTTLS)" row: TCP connect, STARTTLS and TLS handshake less xmgr's TLS context set-up made meanwhile,
wait for the server's first byte, rest of the exchange). Pair 11 runs the same xmgr command against scripts/bench/minimal-client.cjs: the same
exchange (STARTTLS, the FAST login with xmgr's saved token, bind2, the list, the close) written with Node's net and tls alone, no
package and no XML parser, with xmgr's network tuning: what any Node.js program pays for this exchange, for information.

Pair 12 (issue 25) is the same \`user clients\` over STARTTLS answered by a kept session, against prosodyctl: a private XDG_RUNTIME_DIR,
\`XMGR_KEEP=600\` and a state folder of its own. A first run logs in (password) and starts the kept session; then three rounds, each of
${WARMUP} checked warm-up pair${WARMUP === 1 ? "" : "s"} (the listing, the kept session's socket still there) and ${RUNS} alternating timed runs of each side (exit 0 required).
Each timed xmgr run is the whole command as a script runs it (stdout not a terminal): sh, which leaves the command line for the kept
session so that it asks the server while Node starts (README, Kept sessions: Starting early), Node's start, the small entry's checks,
the request over the Unix socket, the kept session's answer, the output, the exit. The server's log must show no login of
alice during the rounds (every run was answered by the kept session). The verdict (target ≤ 1.0×) is on the median of each side's
three round medians; p90, min and max are over all ${3 * RUNS} runs. \`xmgr session stop\` ends the kept session after the pair.

${summaryTable}

## Details

${details.join("\n")}`;
  return { markdown, summary: `${sideBySide}\n\n${summaryTable}` };
}
