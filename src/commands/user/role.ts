// xmgr user role JID [ROLE]: show an account's primary role, or set it, as prosodyctl shell's
// user:role(jid) and user:set_role(jid, role); through xmgr's prosody/mod_admin_roles.lua.
import { bare, parseBareJid } from "../../jid.js";
import { sanitize } from "../../output/sanitize.js";
import { defineCommand } from "../define.js";
import { ROLES_MODULE_SECTION, getRole, setRole } from "./roles.js";

export default defineCommand<{ jid: string; role?: string }>({
  section: "user",
  name: "role",
  summary: "show an account's role, or set it",
  details:
    "Without ROLE, prints the primary role (and any secondary roles), as prosodyctl shell user:role. With ROLE (prosody:guest, prosody:registered, prosody:member, prosody:admin, prosody:operator or a role of the server's config), sets it, as user:set_role. " +
    `Needs xmgr's module mod_admin_roles on the server (${ROLES_MODULE_SECTION}) and a server admin; nobody may give a role above their own, nor change the role of an account that ranks above them. An account listed in the config's admins keeps the role the config gives it.`,
  args: [
    { name: "jid", kind: "account", help: "the account, e.g. alice@example.com" },
    { name: "role", kind: "word", optional: true, help: "the new primary role, e.g. prosody:member" },
  ],
  examples: ["xmgr user role alice@example.com", "xmgr user role alice@example.com prosody:admin", "xmgr --json user role alice@example.com | jq -r .role"],
  transport: "xmpp",
  batch: "write",
  async run({ sessions, output }, { jid, role }) {
    const target = parseBareJid(jid, "account JID");
    const account = bare(target);
    if (role === undefined) {
      const found = await sessions.use(({ session }) => getRole(session, target.domain, account));
      if (output.json) {
        output.jsonData({ jid: found.jid, role: found.role, secondaryRoles: found.secondaryRoles });
        return;
      }
      output.data([found.role || "<none>", ...found.secondaryRoles.map((name) => `${name} (secondary)`)].map(sanitize).join("\n"));
      return;
    }
    const now = await sessions.use(({ session }) => setRole(session, target.domain, account, role));
    if (output.json) {
      output.jsonData({ jid: account, role: now });
      return;
    }
    if (now !== role) {
      output.warn(`${account} keeps the role ${sanitize(now)}: the server's config gives it (admins); the stored role is now ${sanitize(role)}.`);
      return;
    }
    output.ok(`Role of ${account} set to ${sanitize(now)}`);
  },
});
