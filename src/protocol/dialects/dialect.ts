// What xmgr must know about the server software it talks to: the ad-hoc nodes and their fields,
// how success is told, which answers mean what, and which xmgr commands it has no XMPP way for.
// One file per dialect (prosody.ts, ejabberd.ts, generic.ts); commands ask the dialect, never the
// server's name. Which one a server speaks is found at login (src/commands/server-dialect.ts). Pure data.
import { XmgrError } from "../../errors.js";
import type { StanzaErrorInfo } from "../stanza-error.js";
import { knownCommand, type KnownCommand } from "../admin-forms.js";

export type DialectName = "prosody" | "ejabberd" | "generic";

/**
 * How a list command (get-registered-users-list, get-online-users-list, …) is asked: "form" sends
 * the filled form with the execute (Prosody: max_items, paging through xmgr's module), "bare" an
 * execute with no form (ejabberd answers service-unavailable to any form on these nodes).
 */
export type ListStyle = "form" | "bare";

/**
 * "form-else-bare" (an unknown server): the Prosody-shaped request first, and where the server
 * refuses it (service-unavailable), the same node again with no form.
 */
export type ListFallback = "form-else-bare";

export interface DialectCommands {
  addUser: KnownCommand;
  changeUserPassword: KnownCommand;
  deleteUser: KnownCommand;
  userStats: KnownCommand;
  /** The account's last login ("Never" for an account that does not exist, on ejabberd). */
  getUserLastLogin?: KnownCommand;
  /** end-user-session: Prosody takes `accountjids` (jid-multi), ejabberd `accountjid` (jid-single). */
  endUserSession: KnownCommand;
  getOnlineUsersList: KnownCommand;
  getOnlineUsersNum: KnownCommand;
  getRegisteredUsersList: KnownCommand;
  getRegisteredUsersNum: KnownCommand;
  /** The announcement's text goes in `announceField` (Prosody: announcement, ejabberd: body). */
  announce: KnownCommand;
  /** XEP-0133 admin#shutdown (Prosody); absent where the node is per Erlang node (see shutdownNode). */
  shutdown?: KnownCommand;
}

export interface Dialect {
  readonly name: DialectName;
  /** The server software as messages name it: "Prosody", "ejabberd"; undefined for an unknown server. */
  readonly software?: string;
  readonly commands: DialectCommands;
  /** Where the announcement's text goes in the announce form. */
  readonly announceField: string;
  readonly lists: ListStyle;
  /** What an account list falls back to where the paged request is refused (an unknown server). */
  readonly listsFallback?: ListFallback;
  /**
   * delete-user: all accounts of a host in one request, success read from the note naming them
   * (Prosody), or one account per request, `completed` without an error being success (ejabberd:
   * one unknown account in a request makes it delete none).
   */
  readonly oneAccountPerRequest: boolean;
  /** Whether every host of the server can be listed over XMPP (Prosody: xmgr's mod_admin_hosts; tried on an unknown server). */
  readonly allHostsOverXmpp: boolean;
  /** Whether a password change closes the account's open sessions (Prosody yes, ejabberd no; unknown: undefined). */
  readonly passwordClosesSessions?: boolean;
  /**
   * Whether user-stats tells an unknown account (Prosody: "User does not exist"). Where it does
   * not (ejabberd answers empty stats), existence is checked with get-user-lastlogin first.
   */
  readonly userStatsKnowsAccounts: boolean;
  /**
   * Whether the server writes a submitted password to its log when add-user or
   * change-user-password fail (ejabberd's mod_configure crash report): xmgr then checks first that
   * the request can succeed, so a generated password is not sent in vain.
   */
  readonly logsFailedPasswords: boolean;
  /** The Erlang-node shutdown command's node, from the command list (ejabberd: "running nodes/NODE/shutdown"). */
  shutdownNode?(nodes: readonly string[]): string | undefined;
  /** The delays (seconds) shutdown offers, as its form declares them where known. */
  readonly shutdownDelays?: readonly string[];
  /**
   * The xmgr commands ("user disable", "module list", …) this server offers no XMPP way for, with
   * what does it instead (`ejabberdctl ban_account USER HOST REASON`): refused at once, exit 5.
   */
  readonly notOverXmpp: Readonly<Record<string, string>>;
  /**
   * Where account roles are set over XMPP: "xmgr-module" (Prosody with xmgr's mod_admin_roles), or
   * undefined where the server has none (ejabberd: the `admin` ACL of its config); with `rolesInstead` then.
   */
  readonly roles?: "xmgr-module";
  /** Where the server has no disabled-accounts list over XMPP: what shows disabled (banned) accounts instead. */
  readonly disabledInstead?: string;
  readonly rolesInstead?: string;
  /**
   * Whether only `commands` are forms xmgr knows on this server (ejabberd), or also every Prosody
   * form of admin-forms.ts (Prosody, and an unknown server, whose forms xmgr cannot know better).
   */
  readonly onlyOwnForms?: boolean;
  /**
   * The IQ error this server answers a submitted form with when it rejects the values (ejabberd:
   * item-not-found, "No hook has processed this command": an unknown account, a wrong field name,
   * passwords that differ), which elsewhere says the command does not exist.
   */
  readonly inputRejectedAs?: string;
  /**
   * How a server admin changes affiliations, destroys rooms and lists every room: "adhoc" with the
   * MUC service's muc#set-affiliation / muc#destroy commands (Prosody), "xep0045" with the plain
   * muc#admin / muc#owner IQs to the room and disco#items (ejabberd, which makes a server admin an
   * owner of every room; an unknown server).
   */
  readonly mucAdmin: "adhoc" | "xep0045";
  /** Whether the MUC service lists hidden rooms to a server admin in disco#items (ejabberd, as "Name (private, N)"). */
  readonly mucItemsShowHidden: boolean;
  /** The IQ error condition a room answers a kick of an unknown nickname with, besides item-not-found (ejabberd: not-acceptable). */
  readonly mucUnknownNickAs?: string;
  /**
   * Whether a Bind2 session belongs to the client's user-agent id, so that a second login of the
   * same profile ends the first whatever its tag (ejabberd 24.12 binds TAG.HASH(user-agent id)
   * and replaces every session with that hash: "conflict, Replaced by new connection"). xmgr then
   * binds its resource the classic way where it knows the server from an earlier login.
   */
  readonly bind2ReplacesSameClient: boolean;
  /** Server-specific hints, said only where the server is this one. */
  readonly hints: DialectHints;
}

export interface DialectHints {
  /** An admin-only command refused: who is an admin on this server. */
  admin: string;
  /** Cannot connect: what to check. */
  listener: string;
  /** A full JID of `account` not found: how this server forms resources, and where to see the bound ones. */
  resource(account: string): string;
  /** Whether a resource has the suffix this server adds when it binds one (Prosody "~", ejabberd "."); unknown server: undefined. */
  boundResource?(resource: string): boolean;
  /** How to stop the server on its machine. */
  stop: string;
  /** Why a room refused a moderator's kick (not-allowed), where the server's rule is known; elsewhere its own text is shown. */
  kickNotAllowed?: string;
  /** What to do where `to` does not answer uptime (XEP-0012) or version (XEP-0092) requests, if this server's way is known. */
  missingQuery?(what: "uptime" | "version", to: string): string;
  /** Who can still configure a room once its last owner is taken away, where the server's rule is known. */
  lastOwnerGone?: string;
  /** What publishes XEP-0157 contact addresses on this server, said where a host publishes none (server info). */
  contacts?: string;
  /** Said after "its process still runs" when a shutdown over XMPP left it running, if the server is known to. */
  incompleteShutdown?: string;
}

/**
 * The refusal of `command` ("user disable") on a server that offers no XMPP way for it, or
 * undefined when it does: one line naming what does it instead, exit 5.
 */
export function notOverXmpp(dialect: Dialect, command: string): XmgrError | undefined {
  const instead = dialect.notOverXmpp[command];
  if (instead === undefined) return undefined;
  return new XmgrError("refused", `${dialect.software ?? "This server"} does not offer this over XMPP; use ${instead}.`);
}

/** The form xmgr knows for `node` on this server (for `adhoc run`'s one-round-trip execute), if any. */
export function knownIn(dialect: Dialect, node: string): KnownCommand | undefined {
  const own = Object.values(dialect.commands).find((command: KnownCommand | undefined) => command?.node === node);
  if (own) return own;
  return dialect.onlyOwnForms ? undefined : knownCommand(node);
}

/** An IQ error to a submitted form as the values rejected, where that is what this server means by it (inputRejectedAs). */
export function rejectedInput(dialect: Dialect, error: StanzaErrorInfo, to: string, node: string): XmgrError | undefined {
  if (dialect.inputRejectedAs === undefined || error.condition !== dialect.inputRejectedAs) return undefined;
  return new XmgrError("failure", `${to} rejected the values given to ${node}${error.text ? `: ${error.text}` : ""}.`, "Check the field names and values (and that the account or item they name exists).");
}
