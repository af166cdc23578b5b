// In-process measurement for scripts/bench.mjs: a manage-clients <clients/> answer of N clients
// (entries shaped like the real transcript list-self-mixed.xml, with varied fields) through the
// code xmgr runs on it:
//   1. @xmpp/xml's stream Parser (ltx underneath), fed as @xmpp/connection feeds it: 16 KiB
//      Buffer pieces (TLS records), each turned into a string, inside an open stream;
//   2. parseClients (dist/protocol/manage-clients.js);
//   3. table: renderTable(clientColumns(), clients, chalk level 0) (the table xmgr prints without
//      colour), or json: JSON.stringify({ account, clients }, null, 2) (what --json prints);
//      xmgr does one or the other, so each is measured in its own process (peak memory per path).
//
//   node scripts/bench/clients-inproc.mjs generate N FILE          writes the answer (once per size)
//   node --expose-gc scripts/bench/clients-inproc.mjs measure FILE table|json
// `measure` prints one JSON line: times per stage (ms), heap/RSS before and after, peak RSS of the
// process, and how many U+FFFD the parsed text holds (there are none in the document).
import { readFileSync, writeFileSync } from "node:fs";
import { Parser } from "@xmpp/xml";
import { Chalk } from "chalk";
import { parseClients } from "../../dist/protocol/manage-clients.js";
import { renderTable } from "../../dist/output/table.js";
import { clientColumns } from "../../dist/commands/user/clients.js";

// A small deterministic PRNG, so every sample parses the same document.
let seed = 0x9e3779b9;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const hex = (n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join("");
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
const escape = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const stamp = (seconds) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");

const SOFTWARE = [
  ["Gajim", "1.9.5", "https://gajim.org/"],
  ["Conversations", "2.17.2", "eu.siacs.conversations"],
  ["Dino", "0.4.4", undefined],
  ["Monal", "6.4.9", "im.monal"],
  ["xmgr", "1.0.0", undefined],
  ["Cheogram & friends <beta>", undefined, undefined],
];
const DEVICES = ["spike box", "alice's laptop", "Pixel 8", "iPhone (work)", "büro-pc", "デスクトップ", "tablet"];

function clientXml(index) {
  const now = 1_795_000_000;
  const first = now - Math.floor(random() * 90 * 86400);
  const last = first + Math.floor(random() * (now - first));
  const kind = random();
  const connected = random() < 0.2;
  let id;
  let type = "session";
  let auth;
  if (kind < 0.15) {
    id = `grant/${hex(12)}`;
    type = "access";
    auth = "<bearer-token/>";
  } else if (kind < 0.3) {
    id = `client/${hex(12)}`; // legacy login: short random id
    auth = "<password/>";
  } else {
    id = `client/${uuid()}`;
    auth = pick(["<password/>", "<password/><fast/>", "<fast/>", "<password/><fast/>"]);
  }
  let agent = "<user-agent/>";
  if (kind >= 0.3 && random() < 0.8) {
    const [software, version, softwareId] = pick(SOFTWARE);
    const attrs = `${softwareId ? ` id="${escape(softwareId)}"` : ""}${version ? ` version="${version}"` : ""}`;
    const device = random() < 0.7 ? `<device>${escape(pick(DEVICES))} ${index % 97}</device>` : "";
    const uri = random() < 0.2 ? `<uri>https://example.test/apps/${index}</uri>` : "";
    agent = `<user-agent><software${attrs}>${escape(software)}</software>${device}${uri}</user-agent>`;
  }
  return (
    `<client id="${id}" type="${type}" connected="${connected}">` +
    `<first-seen>${stamp(first)}</first-seen>` +
    (random() < 0.95 ? `<last-seen>${stamp(last)}</last-seen>` : "") +
    `<auth>${auth}</auth>${agent}</client>`
  );
}

function generate(count) {
  const parts = [];
  for (let i = 0; i < count; i++) parts.push(clientXml(i));
  return (
    `<iq id="cmaqil8f2j" type="result" to="alice@example.test/xmgr~eW6n3bte37rv">` +
    `<clients xmlns="xmpp:prosody.im/protocol/manage-clients">${parts.join("")}</clients></iq>`
  );
}

function measure(file, output) {
  const streamHeader =
    `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' ` +
    `id='bench' from='example.test' version='1.0' xml:lang='en'>`;
  const data = readFileSync(file);
  global.gc?.();
  const before = process.memoryUsage();
  const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;

  let start = process.hrtime.bigint();
  const parser = new Parser();
  let iq;
  parser.on("element", (element) => {
    iq = element;
  });
  parser.on("error", (error) => {
    throw error;
  });
  parser.write(streamHeader);
  const RECORD = 16 * 1024;
  for (let offset = 0; offset < data.length; offset += RECORD) parser.write(data.subarray(offset, offset + RECORD).toString("utf8"));
  if (!iq) throw new Error("the parser produced no stanza");
  const parseMs = ms(start);

  start = process.hrtime.bigint();
  const clients = parseClients(iq);
  const modelMs = ms(start);

  start = process.hrtime.bigint();
  const text =
    output === "table"
      ? renderTable(clientColumns(new Date(1_795_000_000_000)), clients, new Chalk({ level: 0 }))
      : JSON.stringify({ account: "alice@example.test", clients }, null, 2);
  const outputMs = ms(start);

  const after = process.memoryUsage();
  const usage = process.resourceUsage();
  const replacementChars = (JSON.stringify(clients).match(/\uFFFD/g) ?? []).length;
  process.stdout.write(
    `${JSON.stringify({
      count: clients.length,
      xmlBytes: data.length,
      output,
      outputBytes: Buffer.byteLength(text),
      parseMs,
      modelMs,
      outputMs,
      replacementChars,
      heapBefore: before.heapUsed,
      heapAfter: after.heapUsed,
      rssBefore: before.rss,
      rssAfter: after.rss,
      maxRss: usage.maxRSS * 1024,
    })}\n`,
  );
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "generate") {
  const count = Number(args[0]);
  if (!Number.isInteger(count) || count < 1 || !args[1]) throw new Error("usage: clients-inproc.mjs generate N FILE");
  writeFileSync(args[1], generate(count));
} else if (mode === "measure" && args[0] && ["table", "json"].includes(args[1])) {
  measure(args[0], args[1]);
} else {
  throw new Error("usage: clients-inproc.mjs generate N FILE | measure FILE table|json");
}
