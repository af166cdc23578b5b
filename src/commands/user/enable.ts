// xmgr user enable JID…: let disabled accounts log in again (admin#reenable-user).
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { defineCommand } from "../define.js";
import { actOnAccounts } from "./admin-accounts.js";

export default defineCommand<{ jids: string[] }>({
  section: "user",
  name: "enable",
  summary: "let disabled accounts log in again",
  details: "One line per account; an unknown account makes the exit status 4. Needs a server admin (mod_admin_adhoc).",
  args: [{ name: "jids", kind: "account", variadic: true, help: "the accounts, e.g. alice@example.com" }],
  examples: ["xmgr user enable mallory@example.com"],
  transport: "xmpp",
  batch: "write",
  check: () => "xmgr user list --disabled",
  run: ({ sessions, output }, { jids }) => actOnAccounts(sessions, output, jids, { path: "user enable", command: () => KNOWN_COMMANDS.reenableUser }, { done: "Enabled", notDone: "enabled" }),
});
