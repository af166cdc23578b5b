/**
 * A throwaway, real Prosody 13 on 127.0.0.1 for one test file (see /work/shared/testbed.md).
 *
 *   const tb = await startTestbed();            // in beforeAll; ~0.3 s
 *   await tb.register("alice", "pw");           // prosodyctl register (~40 ms; run several with Promise.all)
 *   const token = await tb.createGrant("alice", "pw");  // real OAuth2 grant -> a type="access" client
 *   ... tb.c2sPort / tb.directTlsPort / tb.httpPort / tb.httpsPort / tb.caFile ...
 *   await tb.stop();                            // in afterAll; SIGTERM + temp dir removed
 *
 * The server: VirtualHost `host` ("example.test"; admins = { "admin@example.test" } globally and on the host, so
 * admin has the prosody:operator role) with
 * sasl2, sasl2_bind2, sasl2_fast, tokenauth, http_oauth2 (password grant allowed), our test
 * stand-in client_management (test/prosody/) and prosody/mod_admin_manage_clients.lua;
 * the stock admin modules (adhoc, admin_adhoc, announce, uptime, version, invites, invites_adhoc,
 * lastactivity; ping is global); Component `mucHost` ("chat.example.test", muc, no room locking)
 * with our test stand-in http_muc_kick whose Authorization value is `mucKickAuth`, and Component
 * `mucOwnersHost` ("rooms.example.test", muc) with component_admins_as_room_owners = true.
 * `http_default_host` is `host`.
 * SASL offered over TLS (STARTTLS on c2sPort, direct TLS on directTlsPort): SCRAM-SHA-1,
 * SCRAM-SHA-1-PLUS, PLAIN, OAUTHBEARER; over SASL2 too, plus FAST (HT-SHA-256-*).
 * HTTP paths are served on httpPort (plain) and httpsPort; Prosody routes them by Host.
 * TLS: one self-signed certificate (SAN example.test, chat.example.test, rooms.example.test) whose PEM is
 * `caFile`; trust it (CLI `--ca caFile`, peers `tls ca`), never disable verification.
 *
 * Options: `extraGlobalConfig` / `extraHostConfig` / `extraMucConfig` are Lua lines appended
 * to the global section / the VirtualHost / the Component; `hostModules` adds modules to
 * the VirtualHost (and to `extraVirtualHosts`, more VirtualHosts with the same modules; xmgr's own prosody/ modules are on plugin_paths: "admin_list_users", "admin_roles", "admin_hosts", "admin_sessions"), `omitHostModules` drops some of the default ones. `log()` returns
 * Prosody's debug log (attach it to failures). `restart(signal, whileDown)` stops Prosody and starts
 * it again (same ports, config and data), for tests of a server going away. A watchdog process kills Prosody (SIGKILL)
 * and removes the dir if the test process goes away without stop().
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, writeFile, rm, mkdir } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import http from "node:http";
import https from "node:https";
import { canConnect, freePorts, run } from "./local-process.js";

export interface TestbedOptions {
  extraGlobalConfig?: string;
  extraHostConfig?: string;
  extraMucConfig?: string;
  hostModules?: string[];
  /** Modules to leave out of the VirtualHost's default list (e.g. ["admin_manage_clients"] for a "stock" server). */
  omitHostModules?: string[];
  /** More VirtualHosts (e.g. ["other.test"]), each with the same modules and admins as `host`, and in the certificate's SAN. */
  extraVirtualHosts?: string[];
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpOptions {
  /** Host header; default: the VirtualHost (`host`). */
  host?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Use httpsPort (trusting caFile) instead of httpPort. */
  tls?: boolean;
}

export interface Testbed {
  /** "example.test" */
  host: string;
  /** "chat.example.test" */
  mucHost: string;
  /** "rooms.example.test": a MUC component with component_admins_as_room_owners = true */
  mucOwnersHost: string;
  /** "admin@example.test", listed in the VirtualHost's admins (not registered: register it). */
  adminJid: string;
  /** STARTTLS c2s port */
  c2sPort: number;
  /** direct TLS (xmpps) c2s port */
  directTlsPort: number;
  httpPort: number;
  httpsPort: number;
  /** PEM of the self-signed certificate (SAN example.test, chat.example.test, rooms.example.test) */
  caFile: string;
  configFile: string;
  /** temp dir holding config, data, certs, log, admin socket */
  dir: string;
  /** exact value of http_muc_kick_authorization_header ("Basic …") */
  mucKickAuth: string;
  register(user: string, password: string): Promise<void>;
  /** Real OAuth2 grant via mod_http_oauth2 (client registration + password grant); returns the access token. */
  createGrant(user: string, password: string): Promise<string>;
  /** Runs `prosodyctl --config configFile ...args` (e.g. ["shell", "user", "list", host]). */
  prosodyctl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** The full JIDs of the client sessions the server holds (of `account` only, when given), from `prosodyctl shell c2s show`. */
  sessions(account?: string): Promise<string[]>;
  /**
   * Waits until the server holds no session of `account` left by earlier xmgr runs (resources
   * xmgr-…): xmgr sends its closing tag and exits without waiting, so the server may still count
   * such a session for a moment after the run, longer on a busy machine.
   */
  xmgrSessionsGone(account: string): Promise<void>;
  /** HTTP request to this Prosody (plain httpPort unless opts.tls). */
  http(method: string, path: string, opts?: HttpOptions): Promise<HttpResponse>;
  /** Prosody's log so far (debug level). */
  log(): string;
  /**
   * Stops Prosody with `signal` (SIGTERM: a clean shutdown; SIGKILL: a crash), runs `whileDown`,
   * then starts it again on the same ports with the same config and data, and waits until it serves.
   */
  restart(signal?: NodeJS.Signals, whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

const HOST = "example.test";
const MUC_HOST = "chat.example.test";
/** A second MUC component, with component_admins_as_room_owners = true. */
const MUC_OWNERS_HOST = "rooms.example.test";
/** The stock modules a remote admin reaches over XMPP (shared/testbed.md, step 3). */
const ADMIN_MODULES = ["adhoc", "admin_adhoc", "announce", "uptime", "version", "invites", "invites_adhoc", "lastactivity"];
const ADMIN = "admin@example.test";
const MUC_KICK_AUTH = "Basic " + Buffer.from("admin@example.test:s3cret").toString("base64");
const OAUTH2_REGISTRATION_KEY = "xmgr-testbed-registration-key-0123456789abcdef";
const READY_LINE = "Startup complete, firing server-started";
const PORT_FAILURE = /Failed to open server port|Error binding encrypted port|Failed to activate service/;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

const lua = (s: string) => JSON.stringify(s); // JSON string escapes are valid Lua for our paths

function configText(dir: string, ports: { c2s: number; tls: number; http: number; https: number }, opts: TestbedOptions): string {
  const hostModules = ["sasl2", "sasl2_bind2", "sasl2_fast", "tokenauth", "http_oauth2", "client_management",
    "admin_manage_clients", ...ADMIN_MODULES, ...(opts.hostModules ?? [])].filter((m) => !(opts.omitHostModules ?? []).includes(m));
  return `-- written by test/support/testbed.ts
run_as_root = true
pidfile = ${lua(join(dir, "prosody.pid"))}
data_path = ${lua(join(dir, "data"))}
plugin_paths = { ${lua(join(repoRoot, "test", "prosody"))}, ${lua(join(repoRoot, "prosody"))}, "/usr/lib/prosody/modules" }
certificates = ${lua(join(dir, "certs"))}
ssl = { certificate = ${lua(join(dir, "certs", HOST + ".crt"))}; key = ${lua(join(dir, "certs", HOST + ".key"))} }
admin_socket = ${lua(join(dir, "prosody.sock"))}
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
http_interfaces = { "127.0.0.1" }
https_interfaces = { "127.0.0.1" }
c2s_ports = { ${ports.c2s} }
c2s_direct_tls_ports = { ${ports.tls} }
legacy_ssl_ports = { }
http_ports = { ${ports.http} }
https_ports = { ${ports.https} }
s2s_ports = { }
s2s_direct_tls_ports = { }
component_ports = { }
modules_disabled = { "s2s" }
log = { { levels = { min = "debug" }; to = "file"; filename = ${lua(join(dir, "prosody.log"))} } }
authentication = "internal_hashed"
storage = "internal"
modules_enabled = { "disco", "roster", "saslauth", "tls", "ping", "admin_shell", "posix" }
-- Global admins get the prosody:operator role too (config reload, hosts, shutdown), as on the facts page's server.
admins = { ${lua(ADMIN)} }
http_default_host = ${lua(HOST)}
${opts.extraGlobalConfig ?? ""}

VirtualHost ${lua(HOST)}
  admins = { ${lua(ADMIN)} }
  modules_enabled = { ${hostModules.map(lua).join(", ")} }
  allowed_oauth2_grant_types = { "authorization_code", "password", "refresh_token" }
  oauth2_registration_key = ${lua(OAUTH2_REGISTRATION_KEY)}
${opts.extraHostConfig ?? ""}
${(opts.extraVirtualHosts ?? []).map((name) => `
VirtualHost ${lua(name)}
  admins = { ${lua(ADMIN)} }
  modules_enabled = { ${hostModules.map(lua).join(", ")} }
`).join("")}
Component ${lua(MUC_HOST)} "muc"
  muc_room_locking = false
  modules_enabled = { "http_muc_kick" }
  http_muc_kick_authorization_header = ${lua(MUC_KICK_AUTH)}
${opts.extraMucConfig ?? ""}

Component ${lua(MUC_OWNERS_HOST)} "muc"
  muc_room_locking = false
  component_admins_as_room_owners = true
`;
}

/**
 * A watchdog for the Prosody child: a shell that blocks reading a pipe from this process.
 * When this process dies in any way (jest exiting, a crash, SIGKILL) the pipe closes and the
 * watchdog kills Prosody and removes the temp dir. stop() kills the watchdog first.
 */
function startWatchdog(prosodyPid: number, dir: string): ChildProcess {
  const dog = spawn("sh", ["-c", 'exec 3<&0; cat <&3 >/dev/null; kill -KILL "$1" 2>/dev/null; rm -rf "$2"', "watchdog",
    String(prosodyPid), dir], { stdio: ["pipe", "ignore", "ignore"], detached: true /* own process group */ });
  dog.unref();
  (dog.stdin as unknown as { unref(): void }).unref();
  dog.on("error", () => { /* best effort */ });
  return dog;
}

export async function startTestbed(opts: TestbedOptions = {}): Promise<Testbed> {
  const dir = await mkdtemp(join(tmpdir(), "xmgr-tb-"));
  try {
    await mkdir(join(dir, "certs"));
    await mkdir(join(dir, "data"));
    const keyFile = join(dir, "certs", HOST + ".key");
    const caFile = join(dir, "certs", HOST + ".crt");
    const ssl = await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-days", "7", "-subj", "/CN=" + HOST, "-addext", `subjectAltName=${[HOST, MUC_HOST, MUC_OWNERS_HOST, ...(opts.extraVirtualHosts ?? [])].map((name) => `DNS:${name}`).join(",")}`,
      "-keyout", keyFile, "-out", caFile]);
    if (ssl.code !== 0) throw new Error("openssl failed: " + ssl.stderr);
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(dir, caFile, opts);
      } catch (err) {
        if (!(err instanceof PortClash) || attempt >= 3) throw err;
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

class PortClash extends Error {}

async function launch(dir: string, caFile: string, opts: TestbedOptions): Promise<Testbed> {
  const [c2s, tls, httpPort, httpsPort] = await freePorts(4);
  const configFile = join(dir, "prosody.cfg.lua");
  const logFile = join(dir, "prosody.log");
  await writeFile(configFile, configText(dir, { c2s, tls, http: httpPort, https: httpsPort }, opts));
  await rm(logFile, { force: true });

  const readLog = () => { try { return readFileSync(logFile, "utf8"); } catch { return ""; } };
  let child!: ChildProcess;
  let exited = false;
  let exitPromise!: Promise<void>;
  let killWatchdog = () => {};

  /** Starts Prosody (again, for restart(): same config, ports and data) and waits until it serves. */
  const startProsody = async () => {
    child = spawn("prosody", ["--config", configFile, "-F"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (d) => { output += d; });
    child.stderr!.on("data", (d) => { output += d; });
    // Never keep the jest process alive for Prosody's sake; the watchdog cleans up if stop() is missed.
    child.unref();
    (child.stdout as unknown as { unref(): void }).unref();
    (child.stderr as unknown as { unref(): void }).unref();
    exited = false;
    const started = child;
    exitPromise = new Promise<void>((res) => started.once("exit", () => { exited = true; res(); }));
    const watchdog = startWatchdog(child.pid!, dir);
    killWatchdog = () => { try { process.kill(-watchdog.pid!, "SIGKILL"); } catch { /* gone */ } };

    // Wait for "server-started" in the log (all hosts and modules loaded) past what an earlier run wrote, then for the ports.
    const earlier = readLog().length;
    const deadline = Date.now() + 60_000; // a few hundred ms when idle; far more on a busy machine
    try {
      for (;;) {
        if (exited) throw new Error(`prosody exited during startup:\n${output}\n${readLog()}`);
        const text = readLog().slice(earlier);
        if (PORT_FAILURE.test(text)) throw new PortClash(`port clash:\n${text}`);
        if (text.includes(READY_LINE)) break;
        if (Date.now() > deadline) throw new Error(`prosody did not start within 60 s:\n${output}\n${text}`);
        await new Promise((r) => setTimeout(r, 15));
      }
      for (const port of [c2s, tls, httpPort, httpsPort]) {
        while (!(await canConnect(port))) {
          if (exited || Date.now() > deadline) throw new Error(`port ${port} never accepted:\n${readLog()}`);
          await new Promise((r) => setTimeout(r, 15));
        }
      }
    } catch (err) {
      killWatchdog();
      child.kill("SIGKILL");
      await exitPromise;
      throw err;
    }
  };
  await startProsody();

  const prosodyctl = (args: string[]) => run("prosodyctl", ["--config", configFile, ...args], dir);
  const sessions = async (account?: string) => {
    const shown = await prosodyctl(["shell", "c2s", "show", ...(account ? [account] : [])]);
    if (shown.code !== 0) throw new Error(`prosodyctl shell c2s show failed (${shown.code}): ${shown.stdout}${shown.stderr}`);
    // Rows are "ID | JID | Role | …"; the JID column of a session is a full JID.
    return shown.stdout.split("\n").map((row) => row.split("|")[1]?.trim() ?? "").filter((cell) => /^[^\s@]+@[^\s/]+\/\S/.test(cell));
  };

  const httpReq = (method: string, path: string, o: HttpOptions = {}): Promise<HttpResponse> =>
    new Promise((res, rej) => {
      const lib = o.tls ? https : http;
      const headers: Record<string, string> = { host: o.host ?? HOST, ...(o.headers ?? {}) };
      if (o.body !== undefined) headers["content-length"] = String(Buffer.byteLength(o.body));
      const req = lib.request({
        host: "127.0.0.1", port: o.tls ? httpsPort : httpPort, method, path, headers, agent: false,
        ...(o.tls ? { ca: readFileSync(caFile), servername: o.host ?? HOST } : {}),
      }, (resp) => {
        let body = "";
        resp.setEncoding("utf8");
        resp.on("data", (c) => { body += c; });
        resp.on("end", () => res({ status: resp.statusCode ?? 0, headers: resp.headers, body }));
        resp.on("error", rej);
      });
      req.on("error", rej);
      if (o.body !== undefined) req.write(o.body);
      req.end();
    });

  let stopped = false;
  const tb: Testbed = {
    host: HOST,
    mucHost: MUC_HOST,
    mucOwnersHost: MUC_OWNERS_HOST,
    adminJid: ADMIN,
    c2sPort: c2s,
    directTlsPort: tls,
    httpPort,
    httpsPort,
    caFile,
    configFile,
    dir,
    mucKickAuth: MUC_KICK_AUTH,
    async register(user, password) {
      const r = await prosodyctl(["register", user, HOST, password]);
      if (r.code !== 0) throw new Error(`prosodyctl register ${user} failed (${r.code}): ${r.stdout}${r.stderr}`);
    },
    async createGrant(user, password) {
      const reg = await httpReq("POST", "/oauth2/register", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          client_name: "xmgr testbed", client_uri: "https://xmgr.example/",
          redirect_uris: ["https://xmgr.example/callback"],
          grant_types: ["password", "authorization_code", "refresh_token"],
        }),
      });
      if (reg.status !== 201) throw new Error(`oauth2 register: ${reg.status} ${reg.body}`);
      const client = JSON.parse(reg.body) as { client_id: string; client_secret: string };
      const basic = Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString("base64");
      const form = new URLSearchParams({ grant_type: "password", username: `${user}@${HOST}`, password, scope: "xmpp" });
      const tok = await httpReq("POST", "/oauth2/token", {
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
        body: form.toString(),
      });
      if (tok.status !== 200) throw new Error(`oauth2 token: ${tok.status} ${tok.body}`);
      return (JSON.parse(tok.body) as { access_token: string }).access_token;
    },
    prosodyctl,
    sessions,
    async xmgrSessionsGone(account) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const left = (await sessions(account)).filter((full) => full.includes("/xmgr-"));
        if (left.length === 0) return;
        if (Date.now() > deadline) throw new Error(`the server still holds ${left.join(", ")} after 60 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    http: httpReq,
    log: readLog,
    async restart(signal = "SIGTERM", whileDown) {
      child.kill(signal);
      await exitPromise;
      killWatchdog();
      await whileDown?.();
      await startProsody();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => { if (!exited) child.kill("SIGKILL"); }, 5000);
        await exitPromise;
        clearTimeout(timer);
      }
      killWatchdog();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return tb;
}

