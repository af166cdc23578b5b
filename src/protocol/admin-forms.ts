// The forms of the ad-hoc commands a stock Prosody 13 offers an admin, as its forms declare them
// (shared/protocol/admin/README.md and its transcripts). Knowing them lets xmgr send a filled form
// with the execute (one round trip), check the values before sending, and keep a text-private
// field off the command line of `xmgr adhoc run`. Pure data.
import type { FieldSpec } from "./data-form.js";

export interface KnownCommand {
  node: string;
  formType?: string;
  fields: FieldSpec[];
  /** It ignores a form sent with the execute (mod_announce): fetch the form first. */
  twoStage?: boolean;
  /** It refuses any form sent with the execute (ejabberd's list nodes): execute with none. */
  bare?: boolean;
}

const ADMIN = "http://jabber.org/protocol/admin";
const PROSODY = "http://prosody.im/protocol";

const accountjid: FieldSpec = { var: "accountjid", type: "jid-single", required: true };
const accountjids: FieldSpec = { var: "accountjids", type: "jid-multi", required: true };
const admin = (name: string, fields: FieldSpec[], twoStage?: boolean): KnownCommand => ({ node: `${ADMIN}#${name}`, formType: ADMIN, fields, ...(twoStage && { twoStage }) });
const prosody = (name: string, formType: string, fields: FieldSpec[]): KnownCommand => ({ node: `${PROSODY}/${name}`, formType: `${PROSODY}/${formType}`, fields });

export const SHUTDOWN_DELAYS = ["5", "30", "60", "90", "120", "180", "240", "300"];
export const MUC_AFFILIATIONS = ["owner", "admin", "member", "none", "outcast"];

export const KNOWN_COMMANDS = {
  addUser: admin("add-user", [accountjid, { var: "password", type: "text-private" }, { var: "password-verify", type: "text-private" }]),
  changeUserPassword: admin("change-user-password", [accountjid, { var: "password", type: "text-private", required: true }]),
  deleteUser: admin("delete-user", [accountjids]),
  disableUser: admin("disable-user", [accountjids]),
  reenableUser: admin("reenable-user", [accountjids]),
  endUserSession: admin("end-user-session", [accountjids]),
  getUserRoster: admin("get-user-roster", [accountjid]),
  userStats: admin("user-stats", [accountjid]),
  getOnlineUsersList: admin("get-online-users-list", [
    { var: "max_items", type: "list-single", options: ["25", "50", "75", "100", "150", "200", "all"] },
    { var: "details", type: "boolean" },
  ]),
  // Answered by xmgr's prosody/mod_admin_list_users.lua (no stock Prosody module has them). Its
  // max_items takes any positive number (XEP-0133 offers 25 … 200 and none), and "after" is its own.
  getRegisteredUsersList: admin("get-registered-users-list", [{ var: "max_items", type: "list-single" }, { var: "after", type: "text-single" }]),
  getRegisteredUsersNum: { node: `${ADMIN}#get-registered-users-num`, fields: [] },
  getDisabledUsersList: admin("get-disabled-users-list", [{ var: "max_items", type: "list-single" }, { var: "after", type: "text-single" }]),
  getDisabledUsersNum: { node: `${ADMIN}#get-disabled-users-num`, fields: [] },
  announce: admin("announce", [{ var: "subject", type: "text-single" }, { var: "announcement", type: "text-multi", required: true }], true),
  shutdown: admin("shutdown", [{ var: "delay", type: "list-single", options: SHUTDOWN_DELAYS }, { var: "announcement", type: "text-multi" }]),
  modulesList: prosody("modules#list", "modules#list", []),
  modulesLoad: prosody("modules#load", "modules#load", [{ var: "module", type: "text-single", required: true }]),
  modulesReload: prosody("modules#reload", "modules#reload", [{ var: "modules", type: "list-multi", required: true }]),
  modulesUnload: prosody("modules#unload", "modules#unload", [{ var: "modules", type: "list-multi", required: true }]),
  globalLoad: prosody("modules#global-load", "modules#global-load", [{ var: "module", type: "text-single", required: true }]),
  globalReload: prosody("modules#global-reload", "modules#global-reload", [{ var: "module", type: "list-single", required: true }]),
  globalUnload: prosody("modules#global-unload", "modules#global-unload", [{ var: "module", type: "list-single", required: true }]),
  configReload: { node: `${PROSODY}/config#reload`, fields: [] },
  s2sList: { node: `${PROSODY}/s2s#list`, fields: [] },
  hostsActivate: prosody("hosts#activate", "hosts#activate", [{ var: "host", type: "text-single", required: true }]),
  hostsDeactivate: prosody("hosts#deactivate", "hosts#activate", [{ var: "host", type: "text-single", required: true }]),
  uptime: { node: "uptime", fields: [] },
  inviteCreateAccount: { node: "urn:xmpp:invite#create-account", fields: [] },
  inviteInvite: { node: "urn:xmpp:invite#invite", fields: [] },
  invitePasswordReset: { node: "xmpp:prosody.im/mod_invites_adhoc#password-reset", fields: [accountjid] },
  mucSetAffiliation: prosody("muc#set-affiliation", "muc#set-affiliation", [
    { var: "room", type: "jid-single", required: true },
    { var: "jid", type: "jid-single", required: true },
    { var: "affiliation", type: "list-single", required: true, options: MUC_AFFILIATIONS },
    { var: "reason", type: "text-single" },
  ]),
  mucDestroy: prosody("muc#destroy", "muc#destroy", [{ var: "rooms", type: "list-multi", required: true }]),
  // Answered by xmgr's prosody/mod_admin_roles.lua (no stock Prosody module sets a role remotely).
  getUserRole: { node: "xmgr:roles#get-user-role", formType: "xmgr:roles", fields: [accountjid] },
  setUserRole: { node: "xmgr:roles#set-user-role", formType: "xmgr:roles", fields: [accountjid, { var: "role", type: "text-single" }] },
  // Answered by xmgr's prosody/mod_admin_hosts.lua: every host of the server, and modules on any of them.
  hostsList: { node: "xmgr:hosts#list", fields: [] },
  anyHostModulesList: { node: "xmgr:modules#list", fields: [{ var: "host", type: "text-single", required: true }] },
  anyHostModulesLoad: { node: "xmgr:modules#load", fields: [{ var: "host", type: "text-single", required: true }, { var: "module", type: "text-single", required: true }] },
  anyHostModulesUnload: { node: "xmgr:modules#unload", fields: [{ var: "host", type: "text-single", required: true }, { var: "modules", type: "text-multi", required: true }] },
  anyHostModulesReload: { node: "xmgr:modules#reload", fields: [{ var: "host", type: "text-single", required: true }, { var: "modules", type: "text-multi", required: true }] },
} satisfies Record<string, KnownCommand>;

export function knownCommand(node: string): KnownCommand | undefined {
  return Object.values(KNOWN_COMMANDS).find((command: KnownCommand) => command.node === node);
}
