/**
 * A throwaway, real ejabberd 24.12 on 127.0.0.1 for one test file (facts: shared/protocol/ejabberd/README.md §1).
 *
 *   const ej = await startEjabberd();                    // in beforeAll; ~1.5–3 s
 *   await Promise.all([ej.register("admin", "pw"), ej.register("alice", "pw")]);  // ejabberdctl register (~0.6 s each)
 *   ... ej.c2sPort / ej.directTlsPort / ej.caFile / ej.host / ej.mucHost ...
 *   await ej.ctl(["check_account", "alice", ej.host]);   // any ejabberdctl command against this instance
 *   await ej.stop();                                     // in afterAll; the node killed + temp dir removed
 *
 * The server: host `host` ("example.test"; the `admin` ACL holds admin@example.test, which must be
 * registered) with mod_adhoc, mod_admin_extra, mod_configure (XEP-0133), mod_announce, mod_auth_fast,
 * mod_last, mod_ping, mod_version, mod_disco, mod_roster, mod_offline, mod_stream_mgmt, mod_caps,
 * mod_stats and mod_muc on `mucHost` ("conference.example.test"; the admin is owner of every room).
 * c2s over STARTTLS on c2sPort and direct TLS on directTlsPort; SCRAM storage (SHA-1), so the login
 * is SASL2 SCRAM-SHA-1-PLUS then FAST, as in the facts. TLS: our own CA (`caFile`) signs the leaf
 * (SAN example.test, conference.example.test): xmgr trusts it with --ca, peers with `ca`, nothing
 * disables verification. Erlang distribution listens on distPort on loopback only, without epmd
 * (ERL_DIST_PORT), and the node name is unique per instance, so files may run side by side.
 *
 * The instance folder is owned by the user `ejabberd`: ejabberdctl run as root drops to it.
 * `log()` returns ejabberd's log (info level; it is where ejabberd writes submitted forms when a
 * command crashes). A watchdog kills the node (SIGKILL) and removes the folder if the test process
 * goes away without stop(). Objects of this type also fit peers.ts and xmgr.ts's loginArgs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmod, chown, mkdtemp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { canConnect, freePorts, run } from "./local-process.js";

export interface EjabberdTestbed {
  /** "example.test" */
  host: string;
  /** "conference.example.test" */
  mucHost: string;
  /** "admin@example.test": in the admin ACL (not registered: register it). */
  adminJid: string;
  /** STARTTLS c2s port */
  c2sPort: number;
  /** direct TLS (xmpps) c2s port */
  directTlsPort: number;
  /** Erlang distribution port (loopback) */
  distPort: number;
  /** The Erlang node name, e.g. "xmgrej12345@localhost" */
  node: string;
  /** PEM of the test CA that signed the server's certificate */
  caFile: string;
  /** temp dir holding etc/, spool/, log/ */
  dir: string;
  register(user: string, password: string): Promise<void>;
  /** Runs `ejabberdctl --config-dir DIR/etc ...args` against this instance. */
  ctl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Whether ejabberd knows the account (ejabberdctl check_account). */
  accountExists(user: string): Promise<boolean>;
  /** The resources of the account's sessions (ejabberdctl user_resources). */
  resources(user: string): Promise<string[]>;
  /** Waits until the server holds no session of `user` left by earlier xmgr runs (resources xmgr-…). */
  xmgrSessionsGone(user: string): Promise<void>;
  /** ejabberd's log so far. */
  log(): string;
  stop(): Promise<void>;
}

const HOST = "example.test";
const MUC_HOST = "conference." + HOST;
const ADMIN = "admin@" + HOST;
const EJABBERDCTL = "/usr/sbin/ejabberdctl";
const START_DEADLINE_MS = 90_000; // ~1.5 s when idle; far more on a busy machine

async function openssl(args: string[]): Promise<void> {
  const r = await run("openssl", args);
  if (r.code !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
}

/** Our own CA and a leaf for the host and the MUC service, signed by it (the CA is not in server.pem). */
async function makeCertificates(pki: string, etc: string): Promise<string> {
  const caKey = join(pki, "ca.key");
  const caFile = join(pki, "ca.pem");
  const key = join(pki, "server.key");
  const csr = join(pki, "server.csr");
  const crt = join(pki, "server.crt");
  const ext = join(pki, "leaf.ext");
  await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "7",
    "-subj", "/CN=xmgr ejabberd test CA", "-keyout", caKey, "-out", caFile,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  await openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=" + HOST,
    "-keyout", key, "-out", csr]);
  await writeFile(ext, ["basicConstraints=CA:FALSE", "keyUsage=digitalSignature,keyEncipherment", "extendedKeyUsage=serverAuth",
    `subjectAltName=DNS:${HOST},DNS:${MUC_HOST}`].join("\n") + "\n");
  await openssl(["x509", "-req", "-in", csr, "-CA", caFile, "-CAkey", caKey, "-CAcreateserial", "-days", "7", "-extfile", ext, "-out", crt]);
  const pem = join(etc, "server.pem");
  await writeFile(pem, (await readFile(crt, "utf8")) + (await readFile(key, "utf8")));
  await chmod(pem, 0o640);
  await rm(caKey);
  return caFile;
}

function configText(dir: string, ports: { c2s: number; tls: number }): string {
  return `# written by test/support/ejabberd-testbed.ts
loglevel: info
log_rotate_count: 0
hosts: [${JSON.stringify(HOST)}]
certfiles: [${JSON.stringify(join(dir, "etc", "server.pem"))}]
c2s_protocol_options: [no_sslv3, no_tlsv1, no_tlsv1_1, cipher_server_preference, no_compression]
listen:
  - {port: ${ports.c2s}, ip: "127.0.0.1", module: ejabberd_c2s, max_stanza_size: 262144, access: c2s, starttls_required: true}
  - {port: ${ports.tls}, ip: "127.0.0.1", module: ejabberd_c2s, max_stanza_size: 262144, access: c2s, tls: true}
disable_sasl_mechanisms: ["digest-md5", "X-OAUTH2"]
auth_method: internal
auth_password_format: scram
acl:
  admin: {user: [${JSON.stringify(ADMIN)}]}
  local: {user_regexp: ""}
  loopback: {ip: [127.0.0.0/8]}
access_rules:
  local: {allow: local}
  c2s: {allow: all}
  announce: {allow: admin}
  configure: {allow: admin}
  muc_create: {allow: local}
api_permissions:
  "console commands": {from: ejabberd_ctl, who: all, what: "*"}
modules:
  mod_adhoc: {}
  mod_admin_extra: {}
  mod_announce: {access: announce}
  mod_auth_fast: {}
  mod_caps: {}
  mod_configure: {}
  mod_disco: {}
  mod_last: {}
  mod_muc: {host: ${JSON.stringify(MUC_HOST)}, access: [allow], access_admin: [{allow: admin}], access_create: muc_create, access_persistent: muc_create}
  mod_muc_admin: {}
  mod_offline: {}
  mod_ping: {}
  mod_roster: {versioning: true}
  mod_stats: {}
  mod_stream_mgmt: {}
  mod_version: {}
`;
}

/**
 * A watchdog for the node: a shell that blocks reading a pipe from this process. When this process
 * dies in any way, the pipe closes and the watchdog kills the node (its pid from the pid file) and
 * removes the folder. stop() kills the watchdog first.
 */
function startWatchdog(pidFile: string, dir: string): ChildProcess {
  const dog = spawn("sh", ["-c", 'exec 3<&0; cat <&3 >/dev/null; kill -KILL "$(cat "$1" 2>/dev/null)" 2>/dev/null; rm -rf "$2"', "watchdog",
    pidFile, dir], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  dog.unref();
  (dog.stdin as unknown as { unref(): void }).unref();
  dog.on("error", () => { /* best effort */ });
  return dog;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startEjabberd(): Promise<EjabberdTestbed> {
  if (userInfo().uid !== 0) throw new Error("the ejabberd test bed runs ejabberdctl as root (it drops to the user ejabberd)");
  const dir = await mkdtemp(join(tmpdir(), "xmgr-ej-"));
  let killWatchdog = () => {};
  try {
    const etc = join(dir, "etc");
    const pki = join(dir, "pki");
    await Promise.all(["etc", "spool", "log", "pki"].map((sub) => mkdir(join(dir, sub))));
    const caFile = await makeCertificates(pki, etc);
    const [c2sPort, directTlsPort, distPort] = await freePorts(3);
    const node = `xmgrej${distPort}@localhost`;
    const pidFile = join(dir, "ejabberd.pid");
    const logFile = join(dir, "log", "ejabberd.log");
    await writeFile(join(etc, "ejabberd.yml"), configText(dir, { c2s: c2sPort, tls: directTlsPort }));
    await writeFile(join(etc, "inetrc"), readFileSync("/etc/ejabberd/inetrc"));
    // INET_DIST_INTERFACE would cost every ejabberdctl call an extra Erlang VM to parse the address.
    await writeFile(join(etc, "ejabberdctl.cfg"), [
      `ERLANG_NODE=${node}`,
      `ERL_DIST_PORT=${distPort}`,
      `ERL_OPTIONS="-kernel inet_dist_use_interface {127,0,0,1}"`,
      `SPOOL_DIR=${join(dir, "spool")}`,
      `LOGS_DIR=${join(dir, "log")}`,
      `EJABBERD_PID_PATH=${pidFile}`,
      "EJABBERD_BYPASS_WARNINGS=true",
    ].join("\n") + "\n");
    await chownTree(dir);

    const ctl = (args: string[]) => run(EJABBERDCTL, ["--config-dir", etc, ...args], dir);
    const readLog = () => { try { return readFileSync(logFile, "utf8"); } catch { return ""; } };
    const started = await ctl(["start"]);
    if (started.code !== 0) throw new Error(`ejabberdctl start failed (${started.code}): ${started.stdout}${started.stderr}`);
    const dog = startWatchdog(pidFile, dir);
    killWatchdog = () => { try { process.kill(-dog.pid!, "SIGKILL"); } catch { /* gone */ } };

    const deadline = Date.now() + START_DEADLINE_MS;
    for (const port of [c2sPort, directTlsPort]) {
      while (!(await canConnect(port))) {
        if (/Failed to start|eaddrinuse|crashed/i.test(readLog()) || Date.now() > deadline) {
          throw new Error(`ejabberd did not listen on ${port}:\n${readLog()}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const pid = Number(readFileSync(pidFile, "utf8").trim());

    const accountExists = async (user: string) => (await ctl(["check_account", user, HOST])).code === 0;
    const resources = async (user: string) => {
      const r = await ctl(["user_resources", user, HOST]);
      if (r.code !== 0) throw new Error(`ejabberdctl user_resources ${user} failed (${r.code}): ${r.stdout}${r.stderr}`);
      return r.stdout.split("\n").map((line) => line.trim()).filter(Boolean);
    };
    let stopped = false;
    return {
      host: HOST,
      mucHost: MUC_HOST,
      adminJid: ADMIN,
      c2sPort,
      directTlsPort,
      distPort,
      node,
      caFile,
      dir,
      async register(user, password) {
        const r = await ctl(["register", user, HOST, password]);
        if (r.code !== 0) throw new Error(`ejabberdctl register ${user} failed (${r.code}): ${r.stdout}${r.stderr}`);
      },
      ctl,
      accountExists,
      resources,
      async xmgrSessionsGone(user) {
        const until = Date.now() + 60_000;
        for (;;) {
          const left = (await resources(user)).filter((resource) => resource.startsWith("xmgr-"));
          if (left.length === 0) return;
          if (Date.now() > until) throw new Error(`ejabberd still holds ${left.join(", ")} of ${user} after 60 s`);
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      log: readLog,
      async stop() {
        if (stopped) return;
        stopped = true;
        // The data is thrown away, so no clean shutdown (SIGTERM takes ~2.4 s): SIGKILL, then wait until it is gone.
        if (pidAlive(pid)) {
          process.kill(pid, "SIGKILL");
          const until = Date.now() + 15_000;
          while (pidAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        }
        killWatchdog();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    try {
      const pid = Number(readFileSync(join(dir, "ejabberd.pid"), "utf8").trim());
      if (pid > 0) process.kill(pid, "SIGKILL");
    } catch { /* not started */ }
    killWatchdog();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function chownTree(dir: string): Promise<void> {
  const ids = await run("id", ["-u", "ejabberd"]);
  const gids = await run("id", ["-g", "ejabberd"]);
  if (ids.code !== 0) throw new Error("no user ejabberd: run scripts/install-ejabberd.sh");
  const uid = Number(ids.stdout.trim());
  const gid = Number(gids.stdout.trim());
  const walk = async (path: string, isDir: boolean): Promise<void> => {
    await chown(path, uid, gid);
    if (!isDir) return;
    for (const entry of await readdir(path, { withFileTypes: true })) await walk(join(path, entry.name), entry.isDirectory());
  };
  await walk(dir, true);
}
