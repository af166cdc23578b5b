// xmgr user list [HOST] [PATTERN]: a host's accounts. No stock Prosody module lists them over
// XMPP; xmgr's prosody/mod_admin_list_users.lua answers XEP-0133's get-registered-users-list and
// get-disabled-users-list, page by page (max_items and the module's own "after"). Both lists are
// read side by side (account-pages.ts) and each page is printed as it comes, so memory stays flat;
// a list longer than the cap (a server that never stops sending) ends with an error. ejabberd
// answers the whole list to a bare execute (any form is refused), and knows no disabled accounts:
// PATTERN and --limit apply to that one answer here, and --json says "disabled": null (not known).
import { XmgrError, usageError } from "../../errors.js";
import type { Dialect } from "../../protocol/dialects/dialect.js";
import { fieldValues } from "../../protocol/data-form.js";
import type { Output } from "../../output/output.js";
import type { XmppSession } from "../../xmpp/session.js";
import { runAdhoc } from "../adhoc-call.js";
import { noSuchHost } from "../../protocol/no-such-host.js";
import { dialectFor } from "../server-dialect.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { groupedCount } from "../../output/count.js";
import { sanitize } from "../../output/sanitize.js";
import { JsonArrayStream } from "../../output/json-stream.js";
import { defineCommand } from "../define.js";
import { hostOrLogin } from "../host-or-login.js";
import { AccountPages, DisabledLookup, LIST_MODULE_SECTION, NoListModule } from "./account-pages.js";
import { HINT as PATTERN_HINT, namePattern } from "./name-pattern.js";

export { LIST_MODULE_SECTION };

/** Accounts a request asks for: ~35 bytes of XML each, far below the size xmgr accepts in one stanza. */
export const DEFAULT_PAGE_SIZE = 10_000;

/** The most accounts xmgr reads from one list unless --limit asks for more: beyond it, it stops with an error. */
export const MAX_ACCOUNTS = 1_000_000;

function positiveWhole(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) throw usageError(`Invalid ${option} ${JSON.stringify(value)}: give a whole number of 1 or more.`);
  return number;
}

export default defineCommand<{ host?: string; pattern?: string }, { disabled?: boolean; pageSize?: string; limit?: string }>({
  section: "user",
  name: "list",
  summary: "list a host's accounts (default: your host), one JID a line",
  details:
    `PATTERN keeps the accounts whose name (the part before @) matches it as a Lua pattern, as in prosodyctl shell's user:list: ^a starts with a, o.$ ends with o and one more character, [bc] holds b or c, %a+y letters then y; %. is a dot. ` +
    `Accounts are printed as they arrive. --limit N prints the first N and stops; without it, xmgr stops with an error (exit 1) after reading ${groupedCount(MAX_ACCOUNTS)} accounts, so a server that never stops sending cannot fill memory or run forever. ` +
    `Needs a server admin, and on Prosody xmgr's module mod_admin_list_users (${LIST_MODULE_SECTION}). ejabberd sends the whole list in one answer and has no disabled accounts list (--disabled is refused there).`,
  args: [
    { name: "host", kind: "host", optional: true, help: "the host, e.g. example.com; default: your host" },
    { name: "pattern", kind: "text", optional: true, help: "a Lua pattern the names must match (^test, o.$, [bc])" },
  ],
  options: [
    { long: "--disabled", help: "only the disabled accounts" },
    { long: "--limit", value: "N", help: `print at most N accounts, then stop (reads up to max(N, ${groupedCount(MAX_ACCOUNTS)}))` },
    { long: "--page-size", value: "N", help: `accounts asked for per request (default ${groupedCount(DEFAULT_PAGE_SIZE)})` },
  ],
  examples: [
    "xmgr user list",
    "xmgr user list example.com '^test'",
    "xmgr user list --disabled",
    "xmgr user list --limit 100",
    "xmgr --json user list | jq -r '.accounts[] | select(.disabled) | .jid'",
  ],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { host, pattern }, options) {
    const hostFor = hostOrLogin(host);
    const match = pattern === undefined ? undefined : namePattern(pattern);
    const pageSize = positiveWhole("--page-size", options.pageSize) ?? DEFAULT_PAGE_SIZE;
    const limit = positiveWhole("--limit", options.limit);
    // With --limit, room for the page that holds its last account.
    const cap = limit === undefined ? MAX_ACCOUNTS : Math.max(MAX_ACCOUNTS, limit + pageSize);
    const capHint = `If the host really has more accounts, give --limit N with N at least their number; to see some, --limit 100.`;
    await sessions.use(async (loggedIn) => {
      const { session, login } = loggedIn;
      const to = hostFor(login);
      const dialect = await dialectFor(loggedIn, "user list");
      if (dialect.lists === "bare") {
        if (options.disabled) {
          throw new XmgrError("refused", `${dialect.software ?? "This server"} has no list of disabled accounts over XMPP, so --disabled cannot be given.`, dialect.disabledInstead && `Instead: ${dialect.disabledInstead}.`);
        }
        await printWholeList(session, dialect, to, output, { match, limit, cap, capHint, pattern });
        return;
      }
      const registered = new AccountPages(session, to, { command: KNOWN_COMMANDS.getRegisteredUsersList, resultVar: "registereduserjids", pageSize, cap, capHint });
      const disabled = new DisabledLookup(new AccountPages(session, to, { command: KNOWN_COMMANDS.getDisabledUsersList, resultVar: "disableduserjids", pageSize, cap, capHint }));
      // Started once the first page is in: a refusal (no module) prints nothing on stdout.
      let json: JsonArrayStream | undefined;
      let shown = 0;
      let shownDisabled = 0;
      let limited = false;
      for (;;) {
        const page = await registered.takePage().catch((error: unknown) => {
          // An unknown server without xmgr's module: its plain XEP-0133 list, asked with no form.
          if (error instanceof NoListModule && registered.count === 0 && dialect.listsFallback === "form-else-bare" && !options.disabled) return undefined;
          throw error;
        });
        if (page === undefined) {
          const bareList = { ...dialect, commands: { ...dialect.commands, getRegisteredUsersList: { ...dialect.commands.getRegisteredUsersList, bare: true } } };
          await printWholeList(session, bareList, to, output, { match, limit, cap, capHint, pattern });
          return;
        }
        if (output.json) json ??= new JsonArrayStream(output, { host: to }, "accounts");
        if (page.length === 0) break;
        const accounts: { jid: string; disabled: boolean }[] = [];
        for (const jid of page) {
          if (match && !match(jid.slice(0, jid.lastIndexOf("@")))) continue;
          const isDisabled = await disabled.has(jid);
          if (options.disabled && !isDisabled) continue;
          if (limit !== undefined && shown === limit) {
            limited = true;
            break;
          }
          accounts.push({ jid, disabled: isDisabled });
          shown++;
          if (isDisabled) shownDisabled++;
        }
        if (json) json.add(accounts);
        // The names are the server's words: escaped like table cells.
        else if (accounts.length > 0) output.data(accounts.map((account) => sanitize(account.jid)).join("\n"));
        await output.drained();
        if (limited) break;
      }
      const total = registered.count;
      if (json) {
        json.end(limited ? { more: true } : { total });
        return;
      }
      const what = options.disabled ? "disabled accounts" : "accounts";
      const alsoDisabled = !options.disabled && shownDisabled > 0 ? ` (${shownDisabled} disabled)` : "";
      if (limited) output.ok(`Showing the first ${shown} ${what} on ${to}${alsoDisabled}: --limit ${limit} reached, there are more`);
      else output.ok(`Showing ${match || options.disabled ? `${shown} of ${total}` : `all ${total}`} ${what} on ${to}${alsoDisabled}`);
      if (match && shown === 0 && total > 0) output.warn(`No account name matches ${JSON.stringify(pattern)}. ${PATTERN_HINT}`);
    });
  },
});

/**
 * The whole list in one answer (ejabberd, or an unknown server without xmgr's module: a bare
 * execute of get-registered-users-list), filtered by the name pattern here, printed as the paged
 * list is; with no disabled list read, --json's "disabled" is null.
 */
async function printWholeList(
  session: XmppSession,
  dialect: Dialect,
  to: string,
  output: Output,
  { match, limit, cap, capHint, pattern }: { match?: (name: string) => boolean; limit?: number; cap: number; capHint: string; pattern?: string },
): Promise<void> {
  const answer = await runAdhoc(session, {
    to,
    ...dialect.commands.getRegisteredUsersList,
    values: {},
    stanzaError: (error) => noSuchHost(to, error),
  });
  const all = (answer.form ? (fieldValues(answer.form, "registereduserjids") ?? []) : []).filter((jid) => jid !== "");
  if (all.length > cap) throw new XmgrError("failure", `${to} sent more than ${groupedCount(cap)} accounts: xmgr stopped reading there.`, capHint);
  const matching = match ? all.filter((jid) => match(jid.slice(0, jid.lastIndexOf("@")))) : all;
  const limited = limit !== undefined && matching.length > limit;
  const shown = limited ? matching.slice(0, limit) : matching;
  if (output.json) {
    const json = new JsonArrayStream(output, { host: to }, "accounts");
    // No disabled-accounts list was read (ejabberd has none over XMPP): whether one is disabled is not known here.
    json.add(shown.map((jid) => ({ jid, disabled: null })));
    json.end(limited ? { more: true } : { total: all.length });
    return;
  }
  if (shown.length > 0) output.data(shown.map((jid) => sanitize(jid)).join("\n"));
  if (limited) output.ok(`Showing the first ${shown.length} accounts on ${to}: --limit ${limit} reached, there are more`);
  else output.ok(`Showing ${match ? `${shown.length} of ${all.length}` : `all ${all.length}`} accounts on ${to}`);
  if (match && shown.length === 0 && all.length > 0) output.warn(`No account name matches ${JSON.stringify(pattern)}. ${PATTERN_HINT}`);
}
