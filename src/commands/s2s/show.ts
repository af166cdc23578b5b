// xmgr s2s show: the server-to-server connections of your host (s2s#list of mod_admin_adhoc).
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { parseS2sList, type S2sConnection } from "../../protocol/s2s-list.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { needsAdmin } from "../refusal-texts.js";

export default defineCommand({
  section: "s2s",
  name: "show",
  summary: "show the server-to-server connections of your host, with counts",
  details: "Needs a server admin. A server with s2s disabled reports none.",
  args: [],
  examples: ["xmgr s2s show", "xmgr --json s2s show | jq .outgoing"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }) {
    const [host, list] = await sessions.use(async ({ session, login, account }) => {
      const answer = await runAdhoc(session, { to: login.domain, ...KNOWN_COMMANDS.s2sList, forbidden: needsAdmin(account, "list s2s connections") });
      return [login.domain, parseS2sList(answer.form)] as const;
    });
    if (output.json) {
      output.jsonData({ host, ...list });
      return;
    }
    if (list.connections.length > 0) {
      const columns = [
        { title: "Direction", cell: (row: S2sConnection) => (row.direction === "out" ? "outgoing ->" : "incoming <-") },
        { title: "Remote", cell: (row: S2sConnection) => row.remote },
        { title: "ID", cell: (row: S2sConnection) => row.id },
        { title: "Flags", cell: (row: S2sConnection) => row.flags.join(", ") },
      ];
      output.table(columns, list.connections);
    }
    output.ok(`${list.incoming} incoming, ${list.outgoing} outgoing s2s connection${list.incoming + list.outgoing === 1 ? "" : "s"} on ${host}`);
  },
});
