// Preloaded into bin/xmgr by a test (NODE_OPTIONS=--require): records each setNoDelay() call on a
// socket (its class, the native handle it reaches, the port it is connected to) and each V8
// setting changed at run time (v8.setFlagsFromString), and writes them as JSON
// { noDelay: […], v8Flags: […] } to $RUNTIME_PROBE_FILE at exit. Changes nothing else.
const net = require("node:net");
const v8 = require("node:v8");
const { writeFileSync } = require("node:fs");

const seen = { noDelay: [], v8Flags: [] };
const setNoDelay = net.Socket.prototype.setNoDelay;
net.Socket.prototype.setNoDelay = function (enable) {
  seen.noDelay.push({ socket: this.constructor.name, handle: this._handle?.constructor?.name, port: this.remotePort, enable: enable === undefined ? true : Boolean(enable) });
  return setNoDelay.call(this, enable);
};
const setFlagsFromString = v8.setFlagsFromString;
v8.setFlagsFromString = function (flags) {
  seen.v8Flags.push(flags);
  return setFlagsFromString.call(this, flags);
};
process.on("exit", () => writeFileSync(process.env.RUNTIME_PROBE_FILE, JSON.stringify(seen)));
