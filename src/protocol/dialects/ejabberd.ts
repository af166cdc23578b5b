// ejabberd 24.12 (facts: shared/protocol/ejabberd/README.md §3, §5, §6): mod_configure's XEP-0133
// under its own field names, list nodes that refuse any submitted form, success as a bare
// `completed`, user-stats that answers unknown accounts, and the Erlang node's own shutdown command.
// What it has no XMPP way for is refused with the ejabberdctl command that does it.
import type { KnownCommand } from "../admin-forms.js";
import { KNOWN_COMMANDS } from "../admin-forms.js";
import type { Dialect } from "./dialect.js";

const ADMIN = "http://jabber.org/protocol/admin";
const bare = (name: string): KnownCommand => ({ node: `${ADMIN}#${name}`, fields: [], bare: true });

/** The delays (seconds) ejabberd 24.12's `running nodes/NODE/shutdown` form offers (no 1200: seen in its form). */
export const EJABBERD_SHUTDOWN_DELAYS = ["1", "15", "30", "60", "90", "120", "180", "240", "300", "600", "900", "1800"];

export const EJABBERD: Dialect = {
  name: "ejabberd",
  software: "ejabberd",
  commands: {
    addUser: KNOWN_COMMANDS.addUser,
    changeUserPassword: KNOWN_COMMANDS.changeUserPassword,
    deleteUser: KNOWN_COMMANDS.deleteUser,
    userStats: KNOWN_COMMANDS.userStats,
    getUserLastLogin: { node: `${ADMIN}#get-user-lastlogin`, formType: ADMIN, fields: [{ var: "accountjid", type: "jid-single", required: true }] },
    endUserSession: { node: `${ADMIN}#end-user-session`, formType: ADMIN, fields: [{ var: "accountjid", type: "jid-single", required: true }] },
    getOnlineUsersList: bare("get-online-users-list"),
    getOnlineUsersNum: bare("get-online-users-num"),
    getRegisteredUsersList: bare("get-registered-users-list"),
    getRegisteredUsersNum: bare("get-registered-users-num"),
    announce: { node: `${ADMIN}#announce`, formType: ADMIN, fields: [{ var: "subject", type: "text-single" }, { var: "body", type: "text-multi", required: true }] },
  },
  announceField: "body",
  lists: "bare",
  allHostsOverXmpp: false,
  oneAccountPerRequest: true,
  passwordClosesSessions: false,
  userStatsKnowsAccounts: false,
  logsFailedPasswords: true,
  bind2ReplacesSameClient: true,
  shutdownNode: (nodes) => nodes.find((node) => /^running nodes\/[^/]+\/shutdown$/.test(node)),
  shutdownDelays: EJABBERD_SHUTDOWN_DELAYS,
  rolesInstead: "the `acl` and `access_rules` of ejabberd.yml (`ejabberdctl reload_config` after a change)",
  disabledInstead: "`ejabberdctl get_ban_details USER HOST` for one account",
  onlyOwnForms: true,
  inputRejectedAs: "item-not-found",
  mucAdmin: "xep0045",
  mucItemsShowHidden: true,
  mucUnknownNickAs: "not-acceptable",
  notOverXmpp: {
    "user disable": "`ejabberdctl ban_account USER HOST REASON` (it needs mod_private)",
    "user enable": "`ejabberdctl unban_account USER HOST`",
    "user clients": "`ejabberdctl oauth_list_tokens` for its OAuth tokens (ejabberd lists no clients or FAST tokens)",
    "user revoke_client": "`ejabberdctl oauth_revoke_token TOKEN` for an OAuth token (ejabberd revokes no clients or FAST tokens)",
    "user role": "the `acl` and `access_rules` of ejabberd.yml, then `ejabberdctl reload_config`",
    "roster show": "`ejabberdctl get_roster USER HOST`",
    "module list": "`ejabberdctl modules_installed` (contributed modules only) or the `modules` of ejabberd.yml",
    "module load": "the `modules` of ejabberd.yml, then `ejabberdctl reload_config`",
    "module unload": "the `modules` of ejabberd.yml, then `ejabberdctl reload_config`",
    "module reload": "`ejabberdctl restart_module HOST MODULE`",
    "config reload": "`ejabberdctl reload_config`",
    "host activate": "the `hosts` of ejabberd.yml, then `ejabberdctl reload_config`",
    "host deactivate": "the `hosts` of ejabberd.yml, then `ejabberdctl reload_config`",
    "s2s show": "`ejabberdctl incoming_s2s_number` and `ejabberdctl outgoing_s2s_number`",
    "invite create_account": "`ejabberdctl register USER HOST PASSWORD`",
    "invite create_reset": "`ejabberdctl change_password USER HOST PASSWORD`",
  },
  hints: {
    admin: "It needs a server admin: log in as an account in ejabberd's `admin` ACL (with the `configure` and `announce` access rules).",
    listener: "Check --server and that ejabberd listens there (the `listen` section of ejabberd.yml).",
    // Observed: Bind2 logins get TAG.RANDOM; a classic (RFC 6120) bind keeps the resource asked for.
    resource: (account) => `ejabberd binds resources as NAME.RANDOM for Bind2 logins (a classic bind keeps the NAME asked for): ping the bound full JID (see them with: xmgr user info ${account}).`,
    stop: "Stop it on its machine (ejabberdctl stop, or systemctl stop ejabberd)",
    boundResource: (resource) => resource.includes("."),
    contacts: "the `server_info` option of mod_disco in ejabberd.yml",
    lastOwnerGone: "only the server admins (ejabberd makes them owners of every room) can configure it then",
    missingQuery: (what) => `ejabberd answers ${what} requests with ${what === "uptime" ? "mod_last" : "mod_version"} in the \`modules\` of ejabberd.yml, for its hosts only (not for components such as the MUC service).`,
  },
};
