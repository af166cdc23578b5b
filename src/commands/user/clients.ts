// xmgr user clients JID: which clients have access to an account.
import { parseBareJid, bare, sameBare } from "../../jid.js";
import { listRequest, parseClients, readStanzaError, type Client } from "../../protocol/manage-clients.js";
import type { Output } from "../../output/output.js";
import { type Column } from "../../output/table.js";
import { readableTime } from "../../output/time.js";
import type { SessionSource } from "../xmpp-session.js";
import { refusal } from "./refusals.js";
import { defineCommand } from "../define.js";

const AUTH_NAMES = { password: "Password", grant: "Grant", fast: "FAST" } as const;

export function clientColumns(now = new Date()): Column<Client>[] {
  return [
    { title: "ID", cell: (client) => client.id },
    { title: "Software", cell: (client) => [client.userAgent?.software, client.userAgent?.version].filter(Boolean).join("/") },
    { title: "Device", cell: (client) => client.userAgent?.device ?? "" },
    { title: "First seen", cell: (client) => readableTime(client.firstSeen, now) },
    { title: "Last seen", cell: (client) => readableTime(client.lastSeen, now) },
    { title: "Connected", cell: (client) => (client.connected ? "yes" : "no") },
    { title: "Authentication", cell: (client) => client.auth.map((kind) => AUTH_NAMES[kind]).join(", ") },
  ];
}

export async function listClients(sessions: SessionSource, output: Output, jidText: string): Promise<void> {
  const target = parseBareJid(jidText, "account JID");
  const targetText = bare(target);
  const clients = await sessions.use(async ({ session, login, account }) => {
    const own = sameBare(target, login);
    const answer = await session.request(listRequest(own ? undefined : targetText));
    if (answer.attrs.type === "error") throw refusal(readStanzaError(answer), targetText, account, own);
    return parseClients(answer);
  });
  if (output.json) {
    output.jsonData({ jid: targetText, clients });
    return;
  }
  if (clients.length === 0) {
    output.ok("No clients associated with this account");
    return;
  }
  output.table(clientColumns(), clients);
  output.ok(`${clients.length} client${clients.length === 1 ? "" : "s"}`);
}

export default defineCommand<{ jid: string }>({
  section: "user",
  name: "clients",
  summary: "list the clients that have access to an account",
  args: [{ name: "jid", kind: "account", help: "the account, e.g. alice@example.com" }],
  examples: ["xmgr user clients alice@example.com", "xmgr --json user clients alice@example.com | jq '.clients[].id'"],
  transport: "xmpp",
  batch: "read",
  run: ({ sessions, output }, { jid }) => listClients(sessions, output, jid),
});
