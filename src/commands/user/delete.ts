// xmgr user delete JID…: delete accounts and all their data (admin#delete-user).
import { defineCommand } from "../define.js";
import { bare } from "../../jid.js";
import { verdictOver } from "../lost-answer.js";
import { accountExists, accountRegistered, actOnAccounts, parseAccounts } from "./admin-accounts.js";

export default defineCommand<{ jids: string[] }>({
  section: "user",
  name: "delete",
  summary: "delete accounts and all their data",
  details:
    "Asks for confirmation on a terminal (type the account, or the number of accounts); without one, needs --yes. One line per account; an account the server could not delete (it does not exist) makes the exit status 4. Needs a server admin (Prosody: mod_admin_adhoc; ejabberd: mod_configure).",
  args: [{ name: "jids", kind: "account", variadic: true, help: "the accounts, e.g. alice@example.com" }],
  examples: ["xmgr user delete alice@example.com", "xmgr user delete --yes alice@example.com bob@example.com"],
  transport: "xmpp",
  batch: "write",
  check: (args) => `xmgr user info ${args.jids.join(" / ")} (exit 4: no such account)`,
  verify: ({ sessions }, { jids }) =>
    sessions.fresh(async (login) => {
      const dialect = await login.dialect();
      const accounts = parseAccounts(jids);
      const gone = await Promise.all(accounts.map(async (jid) => !(await accountExists(login.session, dialect, jid))));
      return verdictOver(accounts.map(bare), gone, { done: "gone", notDone: "still there" });
    }),
  destructive: ({ jids }) =>
    jids.length === 1
      ? { action: `Delete the account ${jids[0]} and all its data`, typeToConfirm: jids[0] }
      : { action: `Delete ${jids.length} accounts (${jids.join(", ")}) and all their data`, typeToConfirm: String(jids.length) },
  run: ({ sessions, output }, { jids }) =>
    actOnAccounts(
      sessions,
      output,
      jids,
      // ejabberd's success is a bare `completed`: checked in its list of accounts (a bare execute
      // there). An unknown server's `completed` is taken as XEP-0050 means it: done.
      {
        path: "user delete",
        command: (dialect) => dialect.commands.deleteUser,
        happened: async (session, dialect, jid) => dialect.userStatsKnowsAccounts || !(await accountRegistered(session, dialect, jid)),
      },
      { done: "Deleted", notDone: "deleted" },
    ),
});
