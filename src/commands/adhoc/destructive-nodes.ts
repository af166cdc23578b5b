// The ad-hoc commands that `xmgr adhoc run` confirms before it sends them (src/commands/confirm.ts,
// the rule of the dedicated commands): those of a stock Prosody 13 that delete, lock out,
// disconnect or stop (what each does: shared/protocol/admin/README.md). What cannot be undone
// (accounts and rooms deleted) must be typed, as `user delete` and `muc destroy` ask; the rest
// is a yes/no question. ejabberd's own commands that stop the server (`running nodes/NODE/shutdown`
// and `restart`, which `server shutdown` uses there; facts: shared/protocol/ejabberd/README.md §3)
// or replace its data (`backup/restore`) are confirmed too, found by their node's shape.
// Commands that only add, read or change reversibly (add-user, announce, module
// load/unload/reload, re-enable, affiliations, invites) are not asked about, as their dedicated
// commands are not. Pure: no I/O.
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import type { Confirmation } from "../define.js";

export type FieldValues = Readonly<Record<string, readonly string[]>>;

/** What the confirmation says, from the values the form will carry and where it goes. */
type Describe = (values: FieldValues, to: string | undefined) => Confirmation;

const given = (values: FieldValues, name: string) => [...new Set((values[name] ?? []).map((value) => value.trim()).filter((value) => value !== ""))];
const listOf = (items: string[], nothing: string) => (items.length === 0 ? nothing : items.join(", "));
const server = (to: string | undefined) => (to === undefined ? "the XMPP server you are logged in to" : `the XMPP server ${to}`);

/** The confirmation of a shutdown, here and in `server shutdown`: in `delay` seconds where that is known. */
export const shutdownAction = (to: string | undefined, delay: string | undefined): Confirmation => ({
  action: `Shut down ${server(to)}${delay === undefined ? "" : ` in ${delay} s`}, disconnecting every user`,
});

const accountsAction = (what: string, consequence: string): Describe => (values) => {
  // Prosody's forms take `accountjids`; ejabberd's end-user-session takes `accountjid`.
  const accounts = [...new Set([...given(values, "accountjids"), ...given(values, "accountjid")])];
  return { action: `${what} ${listOf(accounts, "the accounts the form names")}: ${consequence}` };
};

const DESTRUCTIVE: Record<string, Describe> = {
  [KNOWN_COMMANDS.deleteUser.node]: (values) => {
    const accounts = given(values, "accountjids");
    if (accounts.length === 1) return { action: `Delete the account ${accounts[0]} and all its data`, typeToConfirm: accounts[0] };
    const which = accounts.length === 0 ? "the accounts the form names" : `${accounts.length} accounts (${accounts.join(", ")})`;
    return { action: `Delete ${which} and all their data`, typeToConfirm: String(accounts.length) };
  },
  [KNOWN_COMMANDS.mucDestroy.node]: (values) => {
    const rooms = given(values, "rooms");
    return {
      action: `Destroy ${listOf(rooms, "the rooms the form names")}: occupants are removed, and the room${rooms.length === 1 ? "" : "s"} with settings, affiliations and history deleted`,
      typeToConfirm: rooms.length === 1 ? rooms[0] : `${rooms.length} rooms`,
    };
  },
  [KNOWN_COMMANDS.disableUser.node]: accountsAction("Disable", "their sessions are closed and they cannot log in until enabled again"),
  [KNOWN_COMMANDS.endUserSession.node]: accountsAction("End the sessions of", "their clients are disconnected"),
  [KNOWN_COMMANDS.changeUserPassword.node]: (values) => ({
    // Prosody also closes the account's sessions, ejabberd does not: said by neither here, as the server is not known yet.
    action: `Set a new password for ${listOf(given(values, "accountjid"), "the account the form names")}: the old one stops working`,
  }),
  [KNOWN_COMMANDS.shutdown.node]: (values, to) => shutdownAction(to, given(values, "delay")[0] ?? "5"),
  [KNOWN_COMMANDS.hostsDeactivate.node]: (values) => ({
    action: `Deactivate ${listOf(given(values, "host"), "the host the form names")}: its users are disconnected and it serves nothing until activated again`,
  }),
};

/**
 * ejabberd's commands of one Erlang node that stop the server (`running nodes/NODE/shutdown`,
 * `…/restart`) or replace its data with a backup's (`…/backup/restore`).
 */
const EJABBERD_NODE_ACTIONS: Record<string, Describe> = {
  shutdown: (values, to) => shutdownAction(to, given(values, "delay")[0]),
  restart: (_values, to) => ({ action: `Restart ${server(to)}, disconnecting every user` }),
  "backup/restore": (values, to) => ({
    action: `Replace the data of ${server(to)} with the backup ${given(values, "path")[0] ?? "the form names"}: what changed since that backup is lost`,
  }),
};

/** The nodes adhoc run confirms, for its --help and the man page. */
export const DESTRUCTIVE_NODES: readonly string[] = [...Object.keys(DESTRUCTIVE), ...Object.keys(EJABBERD_NODE_ACTIONS).map((command) => `running nodes/NODE/${command}`)];

/** How to confirm `node` before sending it, or undefined for a node not known to be destructive. */
export function destructiveNode(node: string): Describe | undefined {
  if (Object.hasOwn(DESTRUCTIVE, node)) return DESTRUCTIVE[node];
  const command = /^running nodes\/[^/]+\/(.+)$/.exec(node)?.[1];
  return command !== undefined && Object.hasOwn(EJABBERD_NODE_ACTIONS, command) ? EJABBERD_NODE_ACTIONS[command] : undefined;
}
