// Preloaded into bin/xmgr by a test (NODE_OPTIONS=--require): records each setNoDelay() call on a
// socket (its class, the native handle it reaches and the port it is connected to) and writes the
// list as JSON to $NODELAY_PROBE_FILE at exit. Changes nothing else.
const net = require("node:net");
const { writeFileSync } = require("node:fs");

const calls = [];
const setNoDelay = net.Socket.prototype.setNoDelay;
net.Socket.prototype.setNoDelay = function (enable) {
  calls.push({ socket: this.constructor.name, handle: this._handle?.constructor?.name, port: this.remotePort, enable: enable === undefined ? true : Boolean(enable) });
  return setNoDelay.call(this, enable);
};
process.on("exit", () => writeFileSync(process.env.NODELAY_PROBE_FILE, JSON.stringify(calls)));
