// What the account commands over XEP-0133 share: the accounts named on the command line, grouped
// by host (each host answers for its own accounts only) or one per request (the dialect says), the
// reading of Prosody's "The following accounts were successfully …" notes or of a bare `completed`,
// the mapping of "User does not exist", and whether an account exists where user-stats does not tell.
import { ExitCode, XmgrError, quoted } from "../../errors.js";
import { bare, parseBareJid, sameBare, type Jid } from "../../jid.js";
import { KNOWN_COMMANDS, type KnownCommand } from "../../protocol/admin-forms.js";
import { fieldValues } from "../../protocol/data-form.js";
import { closedBeforeAnswer, type XmppSession } from "../../xmpp/session.js";
import type { Output } from "../../output/output.js";
import { infoText, runAdhoc } from "../adhoc-call.js";
import type { SessionSource } from "../xmpp-session.js";
import type { Dialect } from "../../protocol/dialects/dialect.js";
import { dialectFor } from "../server-dialect.js";

/** The bare JIDs given, checked, without repeats (compared as Prosody does: case-insensitively). */
export function parseAccounts(texts: readonly string[]): Jid[] {
  const seen = new Set<string>();
  const accounts: Jid[] = [];
  for (const text of texts) {
    const jid = parseBareJid(text, "account JID");
    const key = bare(jid).toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      accounts.push(jid);
    }
  }
  return accounts;
}

/** Accounts by host, in the order first seen: mod_admin_adhoc acts only on its own host's accounts. */
export function byHost(accounts: readonly Jid[]): Map<string, Jid[]> {
  const hosts = new Map<string, Jid[]>();
  for (const jid of accounts) hosts.set(jid.domain, [...(hosts.get(jid.domain) ?? []), jid]);
  return hosts;
}

/**
 * Which accounts a delete/disable/enable/end-session note lists as done. Prosody writes
 * "The following accounts were successfully VERB:\n<jid>…" and, after it in the same note,
 * "The following accounts could not be VERB:\n<jid>…". An account listed in neither did not happen.
 */
export function succeededAccounts(noteText: string): Set<string> {
  const done = new Set<string>();
  let inSucceeded = false;
  for (const line of noteText.split(/\r?\n/)) {
    if (/^The following accounts were successfully \S+:$/.test(line)) inSucceeded = true;
    else if (/^The following accounts could not be \S+:$/.test(line)) inSucceeded = false;
    else if (inSucceeded && line.trim() !== "") done.add(line.trim().toLowerCase());
  }
  return done;
}

/** Maps mod_admin_adhoc's "User does not exist" error note to exit 4, naming the account. */
export const noSuchAccount = (account: string) => (text: string) =>
  text === "User does not exist" ? new XmgrError("notFound", `There is no account ${account}. The server says: ${text}`) : undefined;

export interface AccountOutcome {
  account: string;
  ok: boolean;
  /** Why it did not happen, when not for want of such an account. */
  why?: string;
}

/** An account command over XEP-0133 (delete-user, disable-user, reenable-user) as a dialect names it. */
export interface AccountAction {
  /** The xmgr command ("user delete"): a server with no XMPP way for it refuses it (dialect.notOverXmpp). */
  path: string;
  command: (dialect: Dialect) => KnownCommand;
  /** For a success the server's answer does not spell out (a bare `completed`): whether it happened after all. */
  happened?: (session: XmppSession, dialect: Dialect, jid: Jid) => Promise<boolean>;
}

/**
 * delete / disable / enable: one request per host with all its accounts (Prosody) or per account
 * (dialect.oneAccountPerRequest), then one line per account. An account the server reports as
 * "could not be …", or refuses as not found and does not have, is a failure: the exit status is then 4.
 */
export async function actOnAccounts(
  sessions: SessionSource,
  output: Output,
  jids: readonly string[],
  action: AccountAction,
  words: { done: string; notDone: string },
): Promise<number> {
  const accounts = parseAccounts(jids);
  const outcomes = await sessions.use(async (login) => {
    const { session } = login;
    const dialect = await dialectFor(login, action.path);
    const command = action.command(dialect);
    const results: AccountOutcome[] = [];
    // xmgr's own account goes last and alone: acting on it closes this session before the answer.
    const own = accounts.find((jid) => sameBare(jid, login.login));
    const others = accounts.filter((jid) => jid !== own);
    const groups = dialect.oneAccountPerRequest ? others.map((jid) => [jid]) : [...byHost(others).values()];
    for (const group of groups) results.push(...(await actOnGroup(session, dialect, command, action, group)));
    if (own) {
      const outcome = await closesOwnSession(async () => (await actOnGroup(session, dialect, command, action, [own]))[0], { account: bare(own), ok: true });
      results.push(outcome);
    }
    return results;
  });
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (output.json) output.jsonData({ accounts: outcomes.map(({ account, ok }) => ({ jid: account, ok })) });
  for (const outcome of outcomes) {
    if (outcome.ok) output.ok(`${words.done} ${outcome.account}`);
    else if (outcome.why) output.fail(new XmgrError("failure", `${outcome.account} could not be ${words.notDone}: ${outcome.why}`));
    else output.fail(new XmgrError("notFound", `${outcome.account} could not be ${words.notDone}: the server has no such account`));
  }
  if (failed.some((outcome) => outcome.why)) return 1;
  return failed.length > 0 ? 4 : 0;
}

/** One request for the accounts of `group` (all of one host), and what became of each. */
async function actOnGroup(session: XmppSession, dialect: Dialect, command: KnownCommand, action: AccountAction, group: Jid[]): Promise<AccountOutcome[]> {
  const names = group.map(bare);
  let answer;
  try {
    answer = await runAdhoc(session, { to: group[0].domain, ...command, values: { accountjids: names } });
  } catch (error) {
    // ejabberd answers item-not-found ("No hook has processed this command") for an unknown account.
    if (group.length === 1 && error instanceof XmgrError && error.exitCode === ExitCode.notFound && !(await accountExists(session, dialect, group[0]))) {
      return [{ account: names[0], ok: false }];
    }
    throw error;
  }
  const text = infoText(answer);
  if (/^The following accounts (were successfully|could not be) \S+:$/m.test(text)) {
    const done = succeededAccounts(text);
    return names.map((account) => ({ account, ok: done.has(account.toLowerCase()) }));
  }
  // A bare `completed` (ejabberd): success, checked where the command can check it.
  const outcomes: AccountOutcome[] = [];
  for (const jid of group) {
    const happened = action.happened ? await action.happened(session, dialect, jid) : true;
    outcomes.push(happened ? { account: bare(jid), ok: true } : { account: bare(jid), ok: false, why: "the server said it was done, but it was not" });
  }
  return outcomes;
}

/**
 * Whether the server has the account. Where user-stats tells (Prosody), from it; elsewhere
 * (ejabberd answers user-stats and get-user-lastlogin for any name) a last login other than
 * "Never" says yes, and otherwise the host's list of registered accounts decides.
 */
export async function accountExists(session: XmppSession, dialect: Dialect, jid: Jid): Promise<boolean> {
  const account = bare(jid);
  if (dialect.userStatsKnowsAccounts) {
    try {
      await userStats(session, jid, undefined, dialect);
      return true;
    } catch (error) {
      if (error instanceof XmgrError && error.exitCode === ExitCode.notFound) return false;
      throw error;
    }
  }
  const lastLogin = dialect.commands.getUserLastLogin;
  if (lastLogin) {
    const answer = await runAdhoc(session, { to: jid.domain, ...lastLogin, values: { accountjid: [account] } });
    const when = answer.form ? fieldValues(answer.form, "lastlogin")?.join("").trim() : undefined;
    if (when !== undefined && when !== "" && when !== "Never") return true;
  }
  return accountRegistered(session, dialect, jid);
}

/** Whether the host's list of registered accounts (one bare request on ejabberd) holds the account. */
export async function accountRegistered(session: XmppSession, dialect: Dialect, jid: Jid): Promise<boolean> {
  const account = bare(jid).toLowerCase();
  const answer = await runAdhoc(session, { to: jid.domain, ...dialect.commands.getRegisteredUsersList, values: {} });
  const registered = answer.form ? (fieldValues(answer.form, "registereduserjids") ?? []) : [];
  return registered.some((name) => name.toLowerCase() === account);
}

/**
 * For a request on xmgr's own login account that makes Prosody close the account's sessions
 * (password change, disable, delete, end-user-session): the server closing this session before
 * it answers means the request was carried out. Gives `whenClosed` then.
 */
export async function closesOwnSession<T>(work: () => Promise<T>, whenClosed: T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (closedBeforeAnswer(error)) return whenClosed;
    throw error;
  }
}

export interface UserStats {
  account: string;
  rosterSize: number;
  /** The online sessions: the bound resource (with Prosody's ~suffix) and the client's IP address. */
  sessions: { resource: string; ip: string }[];
}

/** user-stats' rostersize field: a whole number (no such field: 0), anything else refused as a malformed answer. */
function rosterSize(values: string[] | undefined, account: string): number {
  if (values === undefined) return 0;
  const text = values.join("\n");
  if (!/^\d{1,15}$/.test(text.trim())) {
    throw new XmgrError("failure", `The server's answer is malformed: the roster size of ${account} is ${quoted(text)}, not a number.`, "A Prosody server answers a whole number: check the server, or what is between you and it.");
  }
  return Number(text.trim());
}

/**
 * admin#user-stats for one account; "User does not exist" is exit 4. A server whose user-stats
 * answers any name (ejabberd; `dialect` given) is asked first whether the account exists.
 */
export async function userStats(session: XmppSession, jid: Jid, forbidden?: string, dialect?: Dialect): Promise<UserStats> {
  const account = bare(jid);
  if (dialect && !dialect.userStatsKnowsAccounts && !(await accountExists(session, dialect, jid))) {
    throw new XmgrError("notFound", `There is no account ${account}.`);
  }
  const answer = await runAdhoc(session, { to: jid.domain, ...(dialect?.commands.userStats ?? KNOWN_COMMANDS.userStats), values: { accountjid: [account] }, errorNote: noSuchAccount(account), forbidden });
  const form = answer.form;
  const lines = (name: string) => (form ? (fieldValues(form, name) ?? []) : []).flatMap((value) => value.split("\n")).filter((value) => value !== "");
  const resources = lines("onlineresources");
  const ips = lines("ipaddresses");
  return {
    account,
    rosterSize: rosterSize(form && fieldValues(form, "rostersize"), account),
    sessions: resources.map((resource, index) => ({ resource, ip: ips[index] ?? "" })),
  };
}
