// Prosody 13 (facts: shared/protocol/admin/README.md): mod_admin_adhoc's forms, filled and sent
// with the execute; success notes naming the accounts; xmgr's own modules for what Prosody lacks.
import { KNOWN_COMMANDS, SHUTDOWN_DELAYS } from "../admin-forms.js";
import type { Dialect } from "./dialect.js";

export const PROSODY: Dialect = {
  name: "prosody",
  software: "Prosody",
  commands: {
    addUser: KNOWN_COMMANDS.addUser,
    changeUserPassword: KNOWN_COMMANDS.changeUserPassword,
    deleteUser: KNOWN_COMMANDS.deleteUser,
    userStats: KNOWN_COMMANDS.userStats,
    endUserSession: KNOWN_COMMANDS.endUserSession,
    getOnlineUsersList: KNOWN_COMMANDS.getOnlineUsersList,
    getOnlineUsersNum: { node: "http://jabber.org/protocol/admin#get-online-users-num", fields: [] },
    getRegisteredUsersList: KNOWN_COMMANDS.getRegisteredUsersList,
    getRegisteredUsersNum: KNOWN_COMMANDS.getRegisteredUsersNum,
    announce: KNOWN_COMMANDS.announce,
    shutdown: KNOWN_COMMANDS.shutdown,
  },
  announceField: "announcement",
  lists: "form",
  allHostsOverXmpp: true,
  oneAccountPerRequest: false,
  passwordClosesSessions: true,
  userStatsKnowsAccounts: true,
  logsFailedPasswords: false,
  bind2ReplacesSameClient: false,
  shutdownDelays: SHUTDOWN_DELAYS,
  roles: "xmgr-module",
  mucAdmin: "adhoc",
  mucItemsShowHidden: false,
  notOverXmpp: {},
  hints: {
    admin: "It needs a server admin: log in as an account in Prosody's admins list (or with the prosody:admin role; some commands need prosody:operator).",
    listener: "Check --server and that Prosody listens there.",
    resource: (account) =>
      `Prosody 13 binds resources as NAME~RANDOM: ping the bound full JID (see the online resources with: xmgr adhoc run http://jabber.org/protocol/admin#user-stats accountjid=${account}).`,
    stop: "Stop it on its machine (systemctl stop prosody, or prosodyctl stop)",
    missingQuery: (what, to) => `Load mod_${what} on ${to}.`,
    boundResource: (resource) => resource.includes("~"),
    kickNotAllowed: "Prosody does not let a moderator kick an owner or admin of the room.",
    incompleteShutdown: " (Prosody 13.0.1's ad-hoc shutdown is incomplete)",
    contacts: "mod_server_contact_info",
    lastOwnerGone: "nobody can configure it then",
  },
};
