// xmgr server info [HOST]: what the host says about itself over service discovery: identities,
// features, the components and other items it lists, and the XEP-0157 contact addresses.
import { discoInfoRequest, discoItemsRequest, identityText, parseDiscoInfo, parseDiscoItems } from "../../protocol/disco.js";
import { defineCommand } from "../define.js";
import { hostOrLogin } from "../host-or-login.js";

interface Row {
  field: string;
  value: string;
}

/** One row per value, the field named on the first only. */
const rows = (field: string, values: string[]): Row[] => values.map((value, index) => ({ field: index === 0 ? field : "", value }));

export default defineCommand<{ host?: string }>({
  section: "server",
  name: "info",
  summary: "show a host's identities, features, components and contact addresses",
  details:
    "Service discovery (disco#info and disco#items, sent together); contact addresses (XEP-0157) appear when the server publishes them (Prosody: mod_server_contact_info; ejabberd: the server_info option of mod_disco). Any account may ask.",
  args: [{ name: "host", kind: "host", optional: true, help: "the host or component to ask (default: your account's host)" }],
  examples: ["xmgr server info", "xmgr server info chat.example.com", "xmgr --json server info | jq -r '.items[].jid'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { host }) {
    const hostFor = hostOrLogin(host);
    const [to, info, items, contactsFrom] = await sessions.use(async ({ session, login, dialect }) => {
      const to = hostFor(login);
      const [infoAnswer, itemsAnswer] = await Promise.all([session.request(discoInfoRequest(to)), session.request(discoItemsRequest(to))]);
      const info = parseDiscoInfo(infoAnswer, to);
      // Where none are published, the table says what would publish them on this server (asked only then).
      const contactsFrom = !output.json && Object.keys(info.contacts).length === 0 ? (await dialect()).hints.contacts : undefined;
      return [to, info, parseDiscoItems(itemsAnswer, to), contactsFrom] as const;
    });
    if (output.json) {
      output.jsonData({ host: to, ...info, items });
      return;
    }
    const contacts = Object.entries(info.contacts).flatMap(([kind, addresses]) => addresses.map((address) => `${kind}: ${address}`));
    const table: Row[] = [
      { field: "Host", value: to },
      ...rows("Identity", info.identities.map(identityText)),
      ...rows("Features", [...info.features].sort()),
      ...rows("Items", items.length ? items.map((item) => `${item.jid}${item.name ? ` (${item.name})` : ""}`) : ["none"]),
      ...rows("Contacts", contacts.length ? contacts : [contactsFrom ? `none published (${contactsFrom})` : "none published"]),
    ];
    output.table([{ title: "Field", cell: (row: Row) => row.field, fillDown: true }, { title: "Value", cell: (row: Row) => row.value }], table);
  },
});
