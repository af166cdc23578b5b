// xmgr host list: the server's hosts. Every VirtualHost and component, as prosodyctl shell
// host:list() shows them, through xmgr's mod_admin_hosts (operator role); without it (or for
// another account), what service discovery shows: your host and its disco#items (components).
// Each comes with the identity its disco#info gives.
import { discoInfoRequest, discoItemsRequest, identityText, parseDiscoInfo, parseDiscoItems } from "../../protocol/disco.js";
import { ExitCode, XmgrError, asXmgrError } from "../../errors.js";
import { defineCommand } from "../define.js";
import { HOSTS_MODULE_SECTION, serverHosts } from "../hosts-module.js";

interface HostRow {
  jid: string;
  /** "local" (a VirtualHost) or the component's module, when mod_admin_hosts told. */
  type?: string;
  name?: string;
  identities: string[];
  /** Why its identity is unknown (it did not answer disco#info). */
  error?: string;
}

export default defineCommand({
  section: "host",
  name: "list",
  summary: "list the server's hosts and components",
  details:
    `Every VirtualHost and component with its type, as prosodyctl shell host:list(), through xmgr's module mod_admin_hosts on your host (${HOSTS_MODULE_SECTION}; the operator role). ` +
    "Without it, or for an account without the operator role, what service discovery shows: your account's host and its disco#items (components); other VirtualHosts are not listed that way. Any account may ask.",
  args: [],
  examples: ["xmgr host list", "xmgr --json host list | jq -r '.hosts[].jid'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }) {
    const [host, hosts, complete] = await sessions.use(async ({ session, login, account }) => {
      const host = login.domain;
      const listed = await serverHosts({ session, at: host, account, what: "list the server's hosts" }).catch((error: unknown) => {
        if (error instanceof XmgrError && error.exitCode === ExitCode.refused) return undefined;
        throw error;
      });
      const discovered = async () => {
        const items = parseDiscoItems(await session.request(discoItemsRequest(host)), host).filter((item) => !item.node);
        return [{ jid: host }, ...items.filter((item) => item.jid !== host)];
      };
      const entries: { jid: string; type?: string; name?: string }[] = listed ?? (await discovered());
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
      return [host, rows, listed !== undefined] as const;
    });
    if (output.json) {
      output.jsonData({ host, hosts });
      return;
    }
    const columns = [
      { title: "Host", cell: (row: HostRow) => row.jid },
      ...(complete ? [{ title: "Type", cell: (row: HostRow) => (row.type === "local" ? "VirtualHost" : row.type === "component" ? "component" : `${row.type ?? ""} component`) }] : []),
      { title: "Identity", cell: (row: HostRow) => row.identities.join(", ") || (row.error ? `? ${row.error}` : "") },
      ...(hosts.some((row) => row.name) ? [{ title: "Name", cell: (row: HostRow) => row.name ?? "" }] : []),
    ];
    output.table(columns, hosts);
    output.ok(complete ? `${hosts.length} host${hosts.length === 1 ? "" : "s"} on the server` : `${hosts.length} host${hosts.length === 1 ? "" : "s"} reported by ${host}`);
  },
});
