// The part of undici that xmgr uses (src/http/post.ts: an Agent with its own connector, and a
// dispatcher's request()), bundled without what undici's index.js also loads at once: fetch,
// WebSocket, EventSource, caches, cookies and mocks, most of the start-up of a muc kick.
const Agent = require("undici/lib/dispatcher/agent");
const Dispatcher = require("undici/lib/dispatcher/dispatcher");
const buildConnector = require("undici/lib/core/connect");
const api = require("undici/lib/api");

// What undici's index.js does to give every dispatcher request(), stream(), pipeline(), …
Object.assign(Dispatcher.prototype, api);

module.exports = { Agent, buildConnector };
