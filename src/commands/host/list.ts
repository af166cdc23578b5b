// xmgr host list: the hosts the server reports: your own host and the items of its disco#items
// (its components), each with the identity it gives. Other VirtualHosts are not listed over XMPP.
import { discoInfoRequest, discoItemsRequest, identityText, parseDiscoInfo, parseDiscoItems } from "../../protocol/disco.js";
import { asXmgrError } from "../../errors.js";
import { renderTable } from "../../output/table.js";
import { defineCommand } from "../define.js";

interface HostRow {
  jid: string;
  name?: string;
  identities: string[];
  /** Why its identity is unknown (it did not answer disco#info). */
  error?: string;
}

export default defineCommand({
  section: "host",
  name: "list",
  summary: "list your host and the components it reports",
  details: "What service discovery shows: your account's host and its disco#items (components). Other VirtualHosts of the same server are not listed over XMPP. Any account may ask.",
  args: [],
  examples: ["xmgr host list", "xmgr --json host list | jq -r '.hosts[].jid'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }) {
    const [host, hosts] = await sessions.use(async ({ session, login }) => {
      const host = login.domain;
      const items = parseDiscoItems(await session.request(discoItemsRequest(host)), host).filter((item) => !item.node);
      const entries = [{ jid: host }, ...items.filter((item) => item.jid !== host)];
      const rows = await Promise.all(
        entries.map(async (entry): Promise<HostRow> => {
          try {
            const info = parseDiscoInfo(await session.request(discoInfoRequest(entry.jid)), entry.jid);
            return { ...entry, identities: info.identities.map(identityText) };
          } catch (error) {
            return { ...entry, identities: [], error: asXmgrError(error).message };
          }
        }),
      );
      return [host, rows] as const;
    });
    if (output.json) {
      output.jsonData({ host, hosts });
      return;
    }
    const columns = [
      { title: "Host", cell: (row: HostRow) => row.jid },
      { title: "Identity", cell: (row: HostRow) => row.identities.join(", ") || (row.error ? `? ${row.error}` : "") },
      ...(hosts.some((row) => row.name) ? [{ title: "Name", cell: (row: HostRow) => row.name ?? "" }] : []),
    ];
    output.data(renderTable(columns, hosts, output.paint));
    output.ok(`${hosts.length} host${hosts.length === 1 ? "" : "s"} reported by ${host}`);
  },
});
