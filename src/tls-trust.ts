// The one TLS context of a run, for XMPP and HTTPS alike, holding only the trust the run uses.
//
// Node 20 builds its process-wide root store the first time any TLS context is made, even one
// with its own CA list that never uses it; with --use-openssl-ca (bin/xmgr) that store is
// OpenSSL's default paths: SSL_CERT_FILE is parsed whole (the 220 KB system bundle), SSL_CERT_DIR
// is only looked into per issuer. OpenSSL reads both variables from the environment when the
// store is built, so a run that trusts only --ca (or checks nothing, --insecure) builds it with
// both pointed at nothing: an empty store, never used. A run that trusts the system's CAs builds
// it as OpenSSL always does. NODE_EXTRA_CA_CERTS, which Node 20 would parse at every start (even
// for --help), reaches xmgr from bin/xmgr as XMGR_NODE_EXTRA_CA_CERTS and is read only by a run
// that trusts the system's CAs, and not at all when it names the SSL_CERT_FILE already loaded.
import { readFileSync, realpathSync } from "node:fs";
import tls from "node:tls";

export interface Trust {
  /** PEM of the only certificates to trust (--ca); else the system's CAs. */
  ca?: string;
  insecure: boolean;
}

const contexts = new Map<string, tls.SecureContext>();
/** Set once the process-wide root store has been built empty: no system context can start from it then. */
let rootStoreEmpty = false;

/** The TLS context for this trust, made once per run. Connect with it and rejectUnauthorized. */
export function secureContextFor(trust: Trust): tls.SecureContext {
  const key = `${trust.insecure}\n${trust.ca ?? ""}`;
  let context = contexts.get(key);
  if (!context) {
    context = trust.ca || trust.insecure ? ownContext(trust.ca) : systemContext();
    contexts.set(key, context);
  }
  return context;
}

const options = { minVersion: "TLSv1.2" } as const;

function ownContext(ca: string | undefined): tls.SecureContext {
  // An empty list (--insecure): nothing trusted, and nothing checked either.
  return withoutSystemStore(() => tls.createSecureContext({ ...options, ca: ca ? [ca] : [] }));
}

function systemContext(): tls.SecureContext {
  // A run trusts one thing (its settings), so this never follows ownContext(); if it did, it would trust nothing.
  if (rootStoreEmpty) throw new Error("internal: the system's CA store was wanted after a run without it");
  const extra = extraCertificates();
  if (!extra) return tls.createSecureContext(options);
  // The system's CAs plus NODE_EXTRA_CA_CERTS's. To add a certificate to a context that uses the root
  // store, Node builds another store from OpenSSL's default paths; so the process-wide store this
  // context starts from is built empty, and the system bundle is read once, for the context's own.
  const context = withoutSystemStore(() => tls.createSecureContext(options));
  (context as unknown as { context: { addCACert(pem: string): void } }).context.addCACert(extra);
  return context;
}

/** NODE_EXTRA_CA_CERTS's certificates (PEM), unless unset, unreadable, or the SSL_CERT_FILE OpenSSL loads anyway. */
function extraCertificates(): string | undefined {
  const file = process.env.XMGR_NODE_EXTRA_CA_CERTS;
  if (!file) return undefined;
  try {
    const systemFile = process.env.SSL_CERT_FILE;
    if (systemFile && realpathSync(systemFile) === realpathSync(file)) return undefined;
    return readFileSync(file, "latin1");
  } catch {
    return undefined; // as Node does with a file it cannot load (it warns)
  }
}

/** Runs `make` while OpenSSL's default CA locations name nothing, then puts them back. */
function withoutSystemStore<T>(make: () => T): T {
  const saved = { SSL_CERT_FILE: process.env.SSL_CERT_FILE, SSL_CERT_DIR: process.env.SSL_CERT_DIR };
  process.env.SSL_CERT_FILE = "";
  process.env.SSL_CERT_DIR = "";
  rootStoreEmpty = true; // if this builds it (it is built once per process)
  try {
    return make();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
