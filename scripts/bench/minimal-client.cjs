// The floor for any Node.js program doing what `xmgr user clients` does (pair 11 of
// scripts/bench.mjs): the same exchange written with Node's net and tls alone, nothing else loaded.
// STARTTLS, a SASL2 FAST login (HT-SHA-256-EXPR, tls-exporter binding) with the token and client id
// an xmgr run saved, bind2, the manage-clients list, the stream closed; only the number of clients
// is printed. It checks less than xmgr (not the server's FAST proof, no stream errors, no limits).
// Like xmgr: TCP_NODELAY, a whitespace after the TLS session tickets (the server's delayed ACK),
// Node's IPv6 check compiled straight to machine code, one TLS context with only the CA, made while
// the server answers the first stream header.
//   node minimal-client.cjs PORT DOMAIN CAFILE XMGR_STATE_HOME   (as alice; prints "N clients")
// Deliberately naive XML (regular expressions over the text): the bench's own server only.
"use strict";
const net = require("node:net");
const tls = require("node:tls");
const { createHmac } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

const [port, domain, caFile, stateHome] = process.argv.slice(2);
const account = `alice@${domain}`;
const profile = join(stateHome, "xmgr", "default");
const { token, mechanism } = JSON.parse(readFileSync(join(profile, `fast-token-${account}.json`), "utf8"));
const clientId = readFileSync(join(profile, "client-id"), "utf8").trim();
if (mechanism !== "HT-SHA-256-EXPR") fail(`the saved token is for ${mechanism}, not HT-SHA-256-EXPR`);

net.isIPv6("0".repeat(1000));
const header = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${domain}' from='${account}' version='1.0'>`;
let received = "";
let pending;

function fail(message) {
  process.stderr.write(`minimal-client: ${message}\n`);
  process.exit(1);
}

/** The text up to and including the first match of `pattern` (removed from what was received). */
function next(pattern) {
  return new Promise((resolve) => {
    pending = () => {
      const match = pattern.exec(received);
      if (!match) return;
      const text = received.slice(0, match.index + match[0].length);
      received = received.slice(match.index + match[0].length);
      pending = undefined;
      resolve(text);
    };
    pending();
  });
}

function receive(chunk) {
  received += chunk;
  pending?.();
}

async function main() {
  const plain = net.connect(Number(port), "127.0.0.1");
  plain.setNoDelay(true);
  plain.setEncoding("utf8");
  plain.on("data", receive);
  plain.on("error", (error) => fail(error.message));
  plain.write(header);
  // Made while the server answers the header, and without the system's CA store (OpenSSL's default
  // paths pointed at nothing while Node builds it), as xmgr does.
  process.env.SSL_CERT_FILE = "";
  process.env.SSL_CERT_DIR = "";
  const secureContext = tls.createSecureContext({ ca: readFileSync(caFile) });
  if (!/<starttls /.test(await next(/<\/stream:features>/))) fail("no STARTTLS offered");
  plain.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  await next(/<proceed [^>]*\/>/);
  plain.removeListener("data", receive);

  const secured = tls.connect({ socket: plain, servername: domain, secureContext });
  secured.setEncoding("utf8");
  secured.on("data", receive);
  secured.on("error", (error) => fail(error.message));
  secured.on("session", () => setImmediate(() => secured.write(" ")));
  await new Promise((resolve) => secured.once("secureConnect", resolve));
  secured.write(header);
  if (!/HT-SHA-256-EXPR/.test(await next(/<\/stream:features>/))) fail("no HT-SHA-256-EXPR offered");

  const binding = secured.exportKeyingMaterial(32, "EXPORTER-Channel-Binding", Buffer.alloc(0));
  const hashed = createHmac("sha256", Buffer.from(token, "utf8")).update("Initiator").update(binding).digest();
  const initial = Buffer.concat([Buffer.from("alice\0", "utf8"), hashed]).toString("base64");
  secured.write(
    `<authenticate xmlns='urn:xmpp:sasl:2' mechanism='HT-SHA-256-EXPR'><initial-response>${initial}</initial-response>` +
      `<user-agent id='${clientId}'><software>xmgr</software><device>bench</device></user-agent>` +
      `<bind xmlns='urn:xmpp:bind:0'><tag>minimal</tag></bind><fast xmlns='urn:xmpp:fast:0'/></authenticate>`,
  );
  const outcome = await next(/<\/success>|<\/failure>/);
  if (!outcome.endsWith("</success>")) fail(`login refused: ${outcome}`);

  secured.write("<iq type='get' id='list1'><list xmlns='xmpp:prosody.im/protocol/manage-clients'/></iq>");
  const answer = await next(/<\/iq>/);
  if (!/type=["']result["']/.test(answer)) fail(`no result: ${answer}`);
  secured.end("</stream:stream>");
  process.stdout.write(`${(answer.match(/<client /g) ?? []).length} clients\n`);
  process.exit(0);
}

main().catch((error) => fail(error.message));
