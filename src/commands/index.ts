// Every command of xmgr, in the order --help and the shell's help list them. Adding a command:
// its file (src/commands/SECTION/NAME.ts, exporting defineCommand({...})) and one line here.
import type { CommandDef } from "./define.js";
import userClients from "./user/clients.js";
import userRevokeClient from "./user/revoke-client.js";
import userCreate from "./user/create.js";
import userPassword from "./user/password.js";
import userDelete from "./user/delete.js";
import userDisable from "./user/disable.js";
import userEnable from "./user/enable.js";
import userInfo from "./user/info.js";
import userList from "./user/list.js";
import userRole from "./user/role.js";
import rosterShow from "./roster/show.js";
import c2sShow from "./c2s/show.js";
import c2sCount from "./c2s/count.js";
import c2sClose from "./c2s/close.js";
import inviteCreateAccount from "./invite/create-account.js";
import inviteCreateReset from "./invite/create-reset.js";
import mucKick from "./muc/kick.js";
import mucList from "./muc/list.js";
import mucInfo from "./muc/info.js";
import mucAffiliations from "./muc/affiliations.js";
import mucOccupants from "./muc/occupants.js";
import mucBan from "./muc/ban.js";
import mucUnban from "./muc/unban.js";
import mucAffiliation from "./muc/affiliation.js";
import mucDestroy from "./muc/destroy.js";
import mucCreate from "./muc/create.js";
import adhocList from "./adhoc/list.js";
import adhocRun from "./adhoc/run.js";
import serverVersion from "./server/version.js";
import serverUptime from "./server/uptime.js";
import serverInfo from "./server/info.js";
import serverShutdown from "./server/shutdown.js";
import moduleList from "./module/list.js";
import moduleLoad from "./module/load.js";
import moduleUnload from "./module/unload.js";
import moduleReload from "./module/reload.js";
import configReload from "./config/reload.js";
import hostList from "./host/list.js";
import hostActivate from "./host/activate.js";
import hostDeactivate from "./host/deactivate.js";
import s2sShow from "./s2s/show.js";
import xmppPing from "./xmpp/ping.js";
import announce from "./announce.js";
import login from "./login.js";
import whoami from "./whoami.js";
import logout from "./logout.js";
import sessionStop from "./session/stop.js";
import shell from "./shell.js";
import completion from "./completion.js";

export const COMMANDS: readonly CommandDef[] = [
  userClients,
  userRevokeClient,
  userCreate,
  userPassword,
  userDelete,
  userDisable,
  userEnable,
  userInfo,
  userList,
  userRole,
  rosterShow,
  c2sShow,
  c2sCount,
  c2sClose,
  inviteCreateAccount,
  inviteCreateReset,
  mucKick,
  mucList,
  mucInfo,
  mucAffiliations,
  mucOccupants,
  mucBan,
  mucUnban,
  mucAffiliation,
  mucDestroy,
  mucCreate,
  adhocList,
  adhocRun,
  serverVersion,
  serverUptime,
  serverInfo,
  serverShutdown,
  moduleList,
  moduleLoad,
  moduleUnload,
  moduleReload,
  configReload,
  hostList,
  hostActivate,
  hostDeactivate,
  s2sShow,
  xmppPing,
  announce,
  login,
  whoami,
  logout,
  sessionStop,
  shell,
  completion,
];

/** Each section's line in --help. */
export const SECTIONS: Record<string, string> = {
  user: "accounts and their clients",
  roster: "contact lists of accounts",
  c2s: "client sessions",
  invite: "invites to register or reset a password",
  muc: "group chats",
  adhoc: "any ad-hoc command (XEP-0050) on any XMPP server",
  server: "the server: version, uptime, what it offers, shutdown",
  module: "the modules loaded on a host",
  config: "the server's configuration",
  host: "hosts and components",
  s2s: "server-to-server connections",
  xmpp: "XMPP diagnostics",
  session: "the kept session that later commands reuse",
};

export function findCommand(section: string | undefined, name: string): CommandDef | undefined {
  return COMMANDS.find((def) => def.section === section && (def.name === name || (def.aliases ?? []).includes(name)));
}
