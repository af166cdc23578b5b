// xmgr user create JID: a new account (admin#add-user), with a new password that never comes from argv.
import { XmgrError } from "../../errors.js";
import { bare, parseBareJid } from "../../jid.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { NEW_PASSWORD_OPTIONS, newPassword, type NewPasswordOptions } from "./new-password.js";

export default defineCommand<{ jid: string }, NewPasswordOptions>({
  section: "user",
  name: "create",
  summary: "create an account",
  details:
    "The password is typed twice without echo on a terminal, or read from --new-password-file, or made up with --random-password (printed once on stdout). It is never taken from the command line. Needs a server admin (mod_admin_adhoc).",
  args: [{ name: "jid", kind: "account", help: "the new account, e.g. carol@example.com" }],
  options: NEW_PASSWORD_OPTIONS,
  examples: [
    "xmgr user create carol@example.com",
    "xmgr user create carol@example.com --random-password",
    "xmgr user create carol@example.com --new-password-file carol.pw",
    "pwgen -s 20 1 | xmgr user create carol@example.com --new-password-file -",
  ],
  transport: "xmpp",
  kept: false,
  batch: "write",
  async run({ sessions, output, prompts, inShell }, { jid }, options) {
    const target = parseBareJid(jid, "account JID");
    const account = bare(target);
    const { password, generated } = await newPassword(options, prompts, account, inShell);
    await sessions.use(({ session }) =>
      runAdhoc(session, {
        to: target.domain,
        ...KNOWN_COMMANDS.addUser,
        values: { accountjid: [account], password: [password], "password-verify": [password] },
        // Prosody's note does not say which account: with several creations in a batch, that matters.
        errorNote: (text) =>
          text === "Account already exists" ? new XmgrError("failure", `The account ${account} already exists; nothing was changed.`, `To set its password instead: xmgr user password ${account}`) : undefined,
      }),
    );
    if (output.json) {
      output.jsonData({ account, created: true, ...(generated && { password }) });
      return;
    }
    if (generated) output.data(password);
    output.ok(`Created ${account}${generated ? " (its password is the line above, shown only this once)" : ""}`);
  },
});
