import { startTestbed, type Testbed } from "../support/testbed.js";
import { loginSasl2, loginLegacy, xml, stopAll, type Peer } from "../support/peers.js";

let tb: Testbed;
beforeAll(async () => { tb = await startTestbed(); });
afterAll(async () => { await tb?.stop(); });

test("smoke", async () => {
  await Promise.all([tb.register("alice", "pw"), tb.register("bob", "pw")]);
  let t = Date.now();
  const a: Peer = await loginSasl2(tb, { username: "alice", password: "pw", userAgent: { id: "u1", software: "Gajim", device: "box" } });
  console.log("sasl2 login", Date.now() - t, a.jid);
  t = Date.now();
  const b: Peer = await loginLegacy(tb, { username: "bob", password: "pw" });
  console.log("legacy login", Date.now() - t, b.jid);
  const token = await tb.createGrant("alice", "pw");
  console.log(token.slice(0, 30));
  const r = await a.iq(xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
  console.log(r.toString());
  await stopAll(a, b);
});
