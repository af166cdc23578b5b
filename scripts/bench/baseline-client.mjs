// The listing done "the library's default way": @xmpp/client 0.14 with its defaults (its own
// SCRAM-SHA-1, SASL2, bind2, reconnect, FAST kept in memory only), as a user would write it.
// The only change to the defaults: trust the test bed's self-signed certificate for the virtual
// host's name while connecting to 127.0.0.1 (what xmgr gets from --ca), nothing else.
//   node baseline-client.mjs xmpps://127.0.0.1:PORT DOMAIN USERNAME CAFILE   (password: BASELINE_PASSWORD)
import { readFileSync } from "node:fs";
import { client, xml } from "@xmpp/client";

const [service, domain, username, caFile] = process.argv.slice(2);
const xmpp = client({ service, domain, username, password: process.env.BASELINE_PASSWORD });
const socketParameters = xmpp.socketParameters.bind(xmpp);
xmpp.socketParameters = (uri) => ({ ...socketParameters(uri), ca: readFileSync(caFile), servername: domain });
xmpp.on("error", (error) => console.error(String(error)));

await xmpp.start();
const answer = await xmpp.iqCaller.request(
  xml("iq", { type: "get" }, xml("list", { xmlns: "xmpp:prosody.im/protocol/manage-clients" })),
);
console.log(`${answer.getChild("clients")?.getChildren("client").length ?? 0} clients`);
await xmpp.stop();
