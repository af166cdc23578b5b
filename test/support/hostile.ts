/**
 * Tiny scripted servers on 127.0.0.1 for the tests of test/security/: an XMPP server that lets
 * any login in (direct TLS, SASL PLAIN, resource binding) and then does whatever the test says
 * with each IQ, and a runner that measures the bin/xmgr child's peak memory.
 *
 *   const cert = await makeCertificate(dir, ["example.test"]);   // self-signed; trust it with --ca cert.certFile
 *   const server = await scriptedXmppServer({ cert, onIq: (iq, socket) => socket.write(`<iq type='result' id='${iq.attrs.id}'/>`) });
 *   const r = await runMeasured(user, [...scriptedLoginArgs(server, cert), "user", "clients", "admin@example.test"]);
 *   r.code, r.stdout, r.stderr, r.ms (wall time), r.maxRssKiB (the child's peak RSS: VmHWM, see maxrss.mjs)
 *   server.received()   // everything xmgr sent, decrypted
 *   await server.close();
 *
 * A disco#info of the domain (xmgr asking which server it is) is answered "Prosody" unless `identity` says otherwise.
 * `onConnect` replaces the whole conversation (for servers that misbehave before any login),
 * `onAuth` may answer the SASL <auth/> itself; without `onIq`, IQs after login are never answered. The login is SASL1 PLAIN over TLS with
 * any password; the bound JID is admin@example.test/xmgr.
 */
import tls from "node:tls";
import net from "node:net";
import { execFile, spawn } from "node:child_process";
import { readFile, rm, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import xml, { type Element } from "@xmpp/xml";
import { childPath, xmgrBin, type XmgrResult, type XmgrUser } from "./xmgr.js";
import { closeServer, listenOnLoopback } from "./loopback.js";

const here = dirname(fileURLToPath(import.meta.url));

export const SCRIPTED_DOMAIN = "example.test";
export const SCRIPTED_ADMIN = `admin@${SCRIPTED_DOMAIN}`;

export interface Certificate {
  key: Buffer;
  cert: Buffer;
  certFile: string;
}

/** A self-signed certificate (EC P-256) with `names` as subjectAltNames, written under `dir`. */
export async function makeCertificate(dir: string, names: string[]): Promise<Certificate> {
  const base = join(dir, `cert-${names[0]}-${Date.now()}`);
  const keyFile = `${base}.key`;
  const certFile = `${base}.crt`;
  await new Promise<void>((resolve, reject) => {
    execFile(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", `/CN=${names[0]}`,
        "-addext", `subjectAltName=${names.map((name) => `DNS:${name}`).join(",")}`, "-keyout", keyFile, "-out", certFile],
      (error, _stdout, stderr) => (error ? reject(new Error(`openssl: ${stderr}`)) : resolve()),
    );
  });
  return { key: await readFile(keyFile), cert: await readFile(certFile), certFile };
}

export interface XmppScript {
  cert: Certificate;
  /** Takes over as soon as TLS is up: the default conversation (login) does not run. */
  onConnect?: (socket: tls.TLSSocket) => void;
  /** Each SASL <auth/>: return true when the script answered it itself. Default: <success/>. */
  onAuth?: (auth: Element, socket: tls.TLSSocket) => boolean;
  /** Each IQ xmgr sends after login (the bind IQ excluded). Default: never answered. */
  onIq?: (iq: Element, socket: tls.TLSSocket) => void;
  /**
   * The server software the domain's disco#info names (server/im): xmgr asks once per login which
   * server it talks to (src/commands/server-dialect.ts). Default "Prosody", whose forms the scripts
   * speak; that question is answered here and not counted in `iqs`. null: it goes to onIq like any IQ.
   */
  identity?: string | null;
}

export interface ScriptedServer {
  port: number;
  /** Everything xmgr sent on all connections, decrypted, as UTF-8 text. */
  received(): string;
  /** The IQs xmgr sent after login, parsed. */
  iqs: Element[];
  connections(): number;
  close(): Promise<void>;
}

const STREAM_HEADER =
  `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' ` +
  `id='scripted' from='${SCRIPTED_DOMAIN}' version='1.0' xml:lang='en'>`;
const SASL_FEATURES =
  "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>";
const BIND_FEATURES = "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";

const DISCO_INFO = "http://jabber.org/protocol/disco#info";
const xmlEscape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/'/g, "&apos;").replace(/"/g, "&quot;");

/** xmgr's "which server is this?": a disco#info get of the domain itself, no node. */
function isServerIdentityQuery(iq: Element): boolean {
  const query = iq.getChild("query", DISCO_INFO);
  return iq.attrs.type === "get" && query !== undefined && query.attrs.node === undefined && (iq.attrs.to === SCRIPTED_DOMAIN || iq.attrs.to === undefined);
}

/** The stream header a server sends, for scripts that talk on their own (onConnect). */
export const streamHeader = STREAM_HEADER;

export async function scriptedXmppServer(script: XmppScript): Promise<ScriptedServer> {
  const chunks: Buffer[] = [];
  const iqs: Element[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = tls.createServer({ key: script.cert.key, cert: script.cert.cert }, (socket) => {
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    if (script.onConnect) return script.onConnect(socket);
    let loggedIn = false;
    const newParser = () => {
      const parser = new xml.Parser();
      parser.on("start", () => socket.write(STREAM_HEADER + (loggedIn ? BIND_FEATURES : SASL_FEATURES)));
      parser.on("element", (element) => {
        if (element.name === "auth" && script.onAuth?.(element, socket)) {
          return;
        } else if (element.name === "auth") {
          loggedIn = true;
          current = newParser(); // the client restarts the stream after <success/>
          socket.write("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        } else if (element.name === "iq" && element.getChild("bind")) {
          socket.write(`<iq type='result' id='${element.attrs.id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>${SCRIPTED_ADMIN}/xmgr</jid></bind></iq>`);
        } else if (element.name === "iq" && script.identity !== null && isServerIdentityQuery(element)) {
          const name = xmlEscape(script.identity ?? "Prosody");
          socket.write(`<iq type='result' id='${xmlEscape(String(element.attrs.id))}' from='${SCRIPTED_DOMAIN}'><query xmlns='${DISCO_INFO}'><identity category='server' type='im' name='${name}'/></query></iq>`);
        } else if (element.name === "iq") {
          iqs.push(element);
          script.onIq?.(element, socket);
        }
      });
      parser.on("end", () => socket.end("</stream:stream>"));
      parser.on("error", () => socket.destroy());
      return parser;
    };
    let current = newParser();
    socket.on("data", (chunk: Buffer) => current.write(chunk.toString("utf8")));
  });
  server.on("connection", (socket: net.Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", () => undefined);
  const port = await listenOnLoopback(server);
  return {
    port,
    received: () => Buffer.concat(chunks).toString("utf8"),
    iqs,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return closeServer(server);
    },
  };
}

/** Global options that point xmgr at a scripted server as admin@example.test, trusting its certificate. */
export function scriptedLoginArgs(server: { port: number }, cert: Certificate): string[] {
  return ["--jid", SCRIPTED_ADMIN, "--server", `xmpps://127.0.0.1:${server.port}`, "--ca", cert.certFile];
}

export interface MeasuredResult extends XmgrResult {
  /** Wall time from spawn to exit. */
  ms: number;
  /** The child's peak resident set size in KiB (VmHWM, see maxrss.mjs), or NaN if it did not report one. */
  maxRssKiB: number;
}

/**
 * Runs bin/xmgr as `user` (its HOME and XDG folders) with `extraEnv`, measuring wall time and
 * peak memory; a child still running after `killAfterMs` (default 60 s) is killed (code -1).
 * A NODE_OPTIONS in `extraEnv` is added to the preload's (e.g. a heap limit).
 */
export async function runMeasured(user: XmgrUser, args: string[], extraEnv: Record<string, string> = {}, killAfterMs = 60_000): Promise<MeasuredResult> {
  const dir = await mkdtemp(join(tmpdir(), "xmgr-rss-"));
  const rssFile = join(dir, "maxrss");
  const started = Date.now();
  try {
    const result = await new Promise<XmgrResult>((resolve) => {
      const child = spawn(xmgrBin, args, {
        env: { PATH: childPath, ...user.env, ...extraEnv, NODE_OPTIONS: `--import ${join(here, "maxrss.mjs")}${extraEnv.NODE_OPTIONS ? ` ${extraEnv.NODE_OPTIONS}` : ""}`, XMGR_TEST_MAXRSS_FILE: rssFile },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
      const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
      });
    });
    const ms = Date.now() - started;
    const maxRssKiB = Number(await readFile(rssFile, "utf8").catch(() => "NaN"));
    return { ...result, ms, maxRssKiB };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
