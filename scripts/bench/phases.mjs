// Preloaded by scripts/bench.mjs (`node --import …/phases.mjs bin/xmgr …`) to see where one run's
// time goes. Marks are performance.now() (ms since the process started): when this preload runs
// (Node's own start-up is done), the first socket xmgr connects (a plain one before STARTTLS), its TLS handshake,
// first write and first read, the last socket closing (or ending its side, or destroyed), and the 'exit' event; and how long
// tls.createSecureContext took (summed). It wraps net/tls.connect, net.Socket's connect and
// tls.createSecureContext to watch them and changes nothing else. Written as JSON to $BENCH_PHASES_FILE at exit.
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const require = createRequire(import.meta.url);
const marks = { preload: performance.now() };
const mark = (name) => {
  marks[name] ??= performance.now();
};

function watch(socket) {
  socket.once("secureConnect", () => mark("tlsDone"));
  socket.once("data", () => mark("firstData"));
  const write = socket.write;
  socket.write = function (...args) {
    mark("firstWrite");
    return write.apply(this, args);
  };
  // xmgr ends its side and exits without waiting for the server's: the end it sent counts as the close,
  // and so does a destroy() (undici's, after a muc kick), whose 'close' comes after the exit.
  for (const event of ["finish", "close"]) {
    socket.once(event, () => {
      marks.lastClose = performance.now();
    });
  }
  const destroy = socket.destroy;
  socket.destroy = function (...args) {
    marks.lastClose = performance.now();
    return destroy.apply(this, args);
  };
  return socket;
}

// The first connect of any socket: with STARTTLS, @xmpp/connection-tcp connects a plain
// `new net.Socket()` and negotiates STARTTLS on it before tls.connect wraps it, and that
// negotiation is part of the exchange with the server, not of xmgr's start-up.
const net = require("net");
const socketConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  mark("socketCreated");
  return socketConnect.apply(this, args);
};

for (const name of ["net", "tls"]) {
  const module = require(name);
  const connect = module.connect;
  module.connect = function (...args) {
    return watch(connect.apply(this, args));
  };
  if (name === "net") module.createConnection = module.connect;
}

const tls = require("tls");
const createSecureContext = tls.createSecureContext;
marks.secureContextMs = 0;
tls.createSecureContext = function (...args) {
  const start = performance.now();
  try {
    return createSecureContext.apply(this, args);
  } finally {
    marks.secureContextMs += performance.now() - start;
  }
};

process.on("exit", () => {
  marks.exit = performance.now();
  if (process.env.BENCH_PHASES_FILE) writeFileSync(process.env.BENCH_PHASES_FILE, JSON.stringify(marks));
});
