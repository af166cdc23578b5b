// A server xmgr does not know: plain XEP-0133 with the forms it declares, the Prosody-shaped
// requests where XEP-0133 leaves them open (a server that refuses them is asked again with no form,
// src/commands/admin-lists.ts), one account per request, and hints that name no server software.
import { KNOWN_COMMANDS } from "../admin-forms.js";
import type { Dialect } from "./dialect.js";

export const GENERIC: Dialect = {
  name: "generic",
  commands: {
    addUser: KNOWN_COMMANDS.addUser,
    changeUserPassword: KNOWN_COMMANDS.changeUserPassword,
    deleteUser: KNOWN_COMMANDS.deleteUser,
    userStats: KNOWN_COMMANDS.userStats,
    getUserLastLogin: { node: "http://jabber.org/protocol/admin#get-user-lastlogin", formType: "http://jabber.org/protocol/admin", fields: [{ var: "accountjid", type: "jid-single", required: true }] },
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
  listsFallback: "form-else-bare",
  allHostsOverXmpp: true,
  oneAccountPerRequest: true,
  // passwordClosesSessions unknown: no claim either way.
  userStatsKnowsAccounts: true,
  logsFailedPasswords: false,
  // Never asked: an unknown server is not kept between runs (server-dialect.ts).
  bind2ReplacesSameClient: false,
  mucAdmin: "xep0045",
  mucItemsShowHidden: false,
  notOverXmpp: {},
  hints: {
    admin: "It needs a server admin: log in as an account the server lists as an admin.",
    listener: "Check --server and that the XMPP server listens there.",
    resource: (account) => `Servers often add a suffix to the resource a client asks for: see the bound ones with xmgr user info ${account}.`,
    stop: "Stop it on its machine",
  },
};
