// xmgr adhoc list [JID]: the ad-hoc commands the logged-in account may run at a JID.
import { commandsDiscoRequest, parseCommandList } from "../../protocol/adhoc.js";
import { parseAddress } from "../../jid.js";
import { defineCommand } from "../define.js";

export default defineCommand<{ jid?: string }>({
  section: "adhoc",
  name: "list",
  summary: "list the ad-hoc commands you may run at a JID (default: your server)",
  args: [{ name: "jid", kind: "jid", optional: true, help: "where the commands are: the server (default), a MUC component, any JID" }],
  examples: ["xmgr adhoc list", "xmgr adhoc list chat.example.com", "xmgr --json adhoc list | jq -r '.commands[].node'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { jid }) {
    const target = jid === undefined ? undefined : parseAddress(jid);
    const [to, commands] = await sessions.use(async ({ session, login }) => {
      const to = target ?? login.domain;
      return [to, parseCommandList(await session.request(commandsDiscoRequest(to)))] as const;
    });
    if (output.json) {
      output.jsonData({ jid: to, commands });
      return;
    }
    if (commands.length === 0) {
      output.ok(`${to} offers you no ad-hoc commands`);
      return;
    }
    output.table([{ title: "Node", cell: (item) => item.node }, { title: "Name", cell: (item) => item.name }], commands);
    output.ok(`${commands.length} command${commands.length === 1 ? "" : "s"} at ${to}`);
  },
});
