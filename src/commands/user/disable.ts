// xmgr user disable JID…: lock accounts out (admin#disable-user); their sessions are closed.
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { defineCommand } from "../define.js";
import { actOnAccounts } from "./admin-accounts.js";

export default defineCommand<{ jids: string[] }>({
  section: "user",
  name: "disable",
  summary: "lock accounts out, keeping their data (closes their sessions)",
  details:
    "A disabled account cannot log in (account-disabled) until 'user enable'. One line per account; an unknown account makes the exit status 4. Needs a server admin (mod_admin_adhoc).",
  args: [{ name: "jids", kind: "account", variadic: true, help: "the accounts, e.g. alice@example.com" }],
  examples: ["xmgr user disable mallory@example.com", "xmgr user disable a@example.com b@example.com"],
  transport: "xmpp",
  batch: "write",
  check: () => "xmgr user list --disabled",
  run: ({ sessions, output }, { jids }) => actOnAccounts(sessions, output, jids, { path: "user disable", command: () => KNOWN_COMMANDS.disableUser }, { done: "Disabled", notDone: "disabled" }),
});
