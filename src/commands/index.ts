// Every command of xmgr, in the order --help and the shell's help list them. Adding a command:
// its file (src/commands/SECTION/NAME.ts, exporting defineCommand({...})) and one line here.
import type { CommandDef } from "./define.js";
import userClients from "./user/clients.js";
import userRevokeClient from "./user/revoke-client.js";
import mucKick from "./muc/kick.js";
import mucList from "./muc/list.js";
import mucInfo from "./muc/info.js";
import mucAffiliations from "./muc/affiliations.js";
import mucBan from "./muc/ban.js";
import mucUnban from "./muc/unban.js";
import mucAffiliation from "./muc/affiliation.js";
import mucDestroy from "./muc/destroy.js";
import mucCreate from "./muc/create.js";
import adhocList from "./adhoc/list.js";
import adhocRun from "./adhoc/run.js";
import logout from "./logout.js";
import shell from "./shell.js";
import completion from "./completion.js";

export const COMMANDS: readonly CommandDef[] = [
  userClients,
  userRevokeClient,
  mucKick,
  mucList,
  mucInfo,
  mucAffiliations,
  mucBan,
  mucUnban,
  mucAffiliation,
  mucDestroy,
  mucCreate,
  adhocList,
  adhocRun,
  logout,
  shell,
  completion,
];

/** Each section's line in --help. */
export const SECTIONS: Record<string, string> = {
  user: "accounts and their clients",
  muc: "group chats",
  adhoc: "any ad-hoc command (XEP-0050) on any XMPP server",
};

export function findCommand(section: string | undefined, name: string): CommandDef | undefined {
  return COMMANDS.find((def) => def.section === section && (def.name === name || (def.aliases ?? []).includes(name)));
}
