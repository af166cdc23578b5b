// xmgr user create JID: a new account (admin#add-user), with a new password that never comes from argv.
import { XmgrError } from "../../errors.js";
import { bare, parseBareJid } from "../../jid.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { NEW_PASSWORD_OPTIONS, newPassword, type NewPasswordOptions } from "./new-password.js";
import { setPasswordTruthfully } from "./password-write.js";

export default defineCommand<{ jid: string }, NewPasswordOptions>({
  section: "user",
  name: "create",
  summary: "create an account",
  details:
    "The password is typed twice without echo on a terminal, or read from --new-password-file, or made up with --random-password (printed once on stdout). It is never taken from the command line. If the answer is lost (no answer in time, the connection cut), xmgr logs in as the new account with the new password to see whether it was created, and says what it found; a --random-password that may be set is printed all the same. Needs a server admin (mod_admin_adhoc).",
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
  async run({ settings, sessions, output, prompts, inShell }, { jid }, options) {
    const target = parseBareJid(jid, "account JID");
    const account = bare(target);
    const chosen = await newPassword(options, prompts, account, inShell);
    const { password, generated } = chosen;
    const confirmed = await setPasswordTruthfully({ settings, output }, target, chosen, `creating ${account}`, () =>
      sessions.use(({ session }) =>
        runAdhoc(session, {
          to: target.domain,
          ...KNOWN_COMMANDS.addUser,
          values: { accountjid: [account], password: [password], "password-verify": [password] },
          // Prosody's note does not say which account: with several creations in a batch, that matters.
          errorNote: (text) =>
            text === "Account already exists" ? new XmgrError("failure", `The account ${account} already exists; nothing was changed.`, `To set its password instead: xmgr user password ${account}`) : undefined,
        }),
      ),
    );
    if (output.json) {
      output.jsonData({ account, created: true, ...(confirmed.by === "login" && { answerLost: true }), ...(generated && { password }) });
      return;
    }
    if (generated) output.data(password);
    const checked = confirmed.by === "login" ? `; its answer was lost (${confirmed.reason}), and xmgr logged in as it with the new password to check` : "";
    output.ok(`Created ${account}${generated ? " (its password is the line above, shown only this once)" : ""}${checked}`);
  },
});
