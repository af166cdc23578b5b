// What the account commands over mod_admin_adhoc (XEP-0133) share: the accounts named on the
// command line, grouped by host (each host answers for its own accounts only), the reading of
// "The following accounts were successfully …" notes, and the mapping of "User does not exist".
import { XmgrError, quoted } from "../../errors.js";
import { bare, parseBareJid, sameBare, type Jid } from "../../jid.js";
import { KNOWN_COMMANDS, type KnownCommand } from "../../protocol/admin-forms.js";
import { fieldValues } from "../../protocol/data-form.js";
import { closedBeforeAnswer, type XmppSession } from "../../xmpp/session.js";
import type { Output } from "../../output/output.js";
import { infoText, runAdhoc } from "../adhoc-call.js";
import type { SessionSource } from "../xmpp-session.js";

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
}

/**
 * delete / disable / enable: one request per host with all its accounts, then one line per
 * account. Accounts the server reports as "could not be …" (no such account) are failures:
 * the exit status is then 4.
 */
export async function actOnAccounts(
  sessions: SessionSource,
  output: Output,
  jids: readonly string[],
  command: KnownCommand,
  words: { done: string; notDone: string },
): Promise<number> {
  const accounts = parseAccounts(jids);
  const outcomes = await sessions.use(async ({ session, login }) => {
    const results: AccountOutcome[] = [];
    // xmgr's own account goes last and alone: acting on it closes this session before the answer.
    const own = accounts.find((jid) => sameBare(jid, login));
    for (const [host, group] of byHost(accounts.filter((jid) => jid !== own))) {
      const answer = await runAdhoc(session, { to: host, ...command, values: { accountjids: group.map(bare) } });
      const done = succeededAccounts(infoText(answer));
      for (const jid of group) results.push({ account: bare(jid), ok: done.has(bare(jid).toLowerCase()) });
    }
    if (own) {
      const ok = await closesOwnSession(async () => {
        const answer = await runAdhoc(session, { to: own.domain, ...command, values: { accountjids: [bare(own)] } });
        return succeededAccounts(infoText(answer)).has(bare(own).toLowerCase());
      }, true);
      results.push({ account: bare(own), ok });
    }
    return results;
  });
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (output.json) output.jsonData({ accounts: outcomes.map(({ account, ok }) => ({ jid: account, ok })) });
  for (const outcome of outcomes) {
    if (outcome.ok) output.ok(`${words.done} ${outcome.account}`);
    else output.fail(new XmgrError("notFound", `${outcome.account} could not be ${words.notDone}: the server has no such account`));
  }
  return failed.length > 0 ? 4 : 0;
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

/** admin#user-stats for one account; "User does not exist" is exit 4. */
export async function userStats(session: XmppSession, jid: Jid, forbidden?: string): Promise<UserStats> {
  const account = bare(jid);
  const answer = await runAdhoc(session, { to: jid.domain, ...KNOWN_COMMANDS.userStats, values: { accountjid: [account] }, errorNote: noSuchAccount(account), forbidden });
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
