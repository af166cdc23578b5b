// xmgr user list [HOST] [PATTERN]: a host's accounts. No stock Prosody module lists them over
// XMPP; xmgr's prosody/mod_admin_list_users.lua answers XEP-0133's get-registered-users-list and
// get-disabled-users-list, both asked at once (pipelined), page by page (max_items and the
// module's own "after").
import { XmgrError, usageError } from "../../errors.js";
import { checkCommandAnswer, execute, parseCommandAnswer } from "../../protocol/adhoc.js";
import { KNOWN_COMMANDS, type KnownCommand } from "../../protocol/admin-forms.js";
import { declaredForm, fieldValues, submitForm } from "../../protocol/data-form.js";
import type { XmppSession } from "../../xmpp/session.js";
import { groupedCount } from "../../output/count.js";
import { sanitize } from "../../output/sanitize.js";
import { defineCommand } from "../define.js";
import { hostOrLogin } from "../host-or-login.js";
import { HINT as PATTERN_HINT, namePattern } from "./name-pattern.js";
import { noSuchHost } from "../no-such-host.js";

export const LIST_MODULE_SECTION = 'README, "Listing accounts: mod_admin_list_users"';

/** Accounts a request asks for: ~35 bytes of XML each, far below the size xmgr accepts in one stanza. */
export const DEFAULT_PAGE_SIZE = 10_000;

async function listPage(session: XmppSession, host: string, command: KnownCommand, resultVar: string, pageSize: number, after?: string): Promise<string[]> {
  const form = submitForm(declaredForm(command.fields, command.formType), { max_items: [String(pageSize)], ...(after !== undefined && { after: [after] }) });
  const answer = parseCommandAnswer(await session.request(execute(host, command.node, { form })));
  if (answer.stanzaError?.condition === "service-unavailable") {
    throw new XmgrError(
      "refused",
      `${host} does not list its accounts over XMPP: xmgr's Prosody module mod_admin_list_users is not loaded there.`,
      `Install prosody/mod_admin_list_users.lua and add "admin_list_users" to the host's modules_enabled (${LIST_MODULE_SECTION}).`,
    );
  }
  const noHost = noSuchHost(host, answer.stanzaError);
  if (noHost) throw noHost;
  const checked = checkCommandAnswer(answer, { to: host, node: command.node });
  return (checked.form ? (fieldValues(checked.form, resultVar) ?? []) : []).filter((jid) => jid !== "");
}

/** Every JID of a list, page after page (each page starts after the last JID of the one before). */
async function listJids(session: XmppSession, host: string, command: KnownCommand, resultVar: string, pageSize: number): Promise<string[]> {
  const jids: string[] = [];
  const seen = new Set<string>();
  for (;;) {
    const page = await listPage(session, host, command, resultVar, pageSize, jids.at(-1));
    // A server that ignores "after" (not xmgr's module) would send the same page forever.
    if (page.some((jid) => seen.has(jid))) {
      throw new XmgrError("failure", `${host} sent the same accounts again instead of the next page.`, "Give a --page-size larger than the number of accounts.");
    }
    for (const jid of page) seen.add(jid);
    jids.push(...page);
    if (page.length < pageSize) return jids;
  }
}

export default defineCommand<{ host?: string; pattern?: string }, { disabled?: boolean; pageSize?: string }>({
  section: "user",
  name: "list",
  summary: "list a host's accounts (default: your host), one JID a line",
  details: `PATTERN keeps the accounts whose name (the part before @) matches it as a Lua pattern, as in prosodyctl shell's user:list: ^a starts with a, o.$ ends with o and one more character, [bc] holds b or c, %a+y letters then y; %. is a dot. Needs xmgr's module mod_admin_list_users on the server (${LIST_MODULE_SECTION}) and a server admin.`,
  args: [
    { name: "host", kind: "host", optional: true, help: "the host, e.g. example.com; default: your host" },
    { name: "pattern", kind: "text", optional: true, help: "a Lua pattern the names must match (^test, o.$, [bc])" },
  ],
  options: [
    { long: "--disabled", help: "only the disabled accounts" },
    { long: "--page-size", value: "N", help: `accounts asked for per request (default ${groupedCount(DEFAULT_PAGE_SIZE)})` },
  ],
  examples: ["xmgr user list", "xmgr user list example.com '^test'", "xmgr user list --disabled", "xmgr --json user list | jq -r '.accounts[] | select(.disabled) | .jid'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { host, pattern }, options) {
    const hostFor = hostOrLogin(host);
    const match = pattern === undefined ? undefined : namePattern(pattern);
    const pageSize = options.pageSize === undefined ? DEFAULT_PAGE_SIZE : Number(options.pageSize);
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw usageError(`Invalid --page-size ${JSON.stringify(options.pageSize)}: give a whole number of 1 or more.`);
    const [to, registered, disabled] = await sessions.use(async ({ session, login }) => {
      const to = hostFor(login);
      const [registered, disabled] = await Promise.all([
        listJids(session, to, KNOWN_COMMANDS.getRegisteredUsersList, "registereduserjids", pageSize),
        listJids(session, to, KNOWN_COMMANDS.getDisabledUsersList, "disableduserjids", pageSize),
      ]);
      return [to, registered, new Set(disabled)] as const;
    });
    const accounts = registered
      .filter((jid) => !match || match(jid.slice(0, jid.lastIndexOf("@"))))
      .map((jid) => ({ jid, disabled: disabled.has(jid) }))
      .filter((account) => !options.disabled || account.disabled);
    if (output.json) {
      output.jsonData({ host: to, total: registered.length, accounts });
      return;
    }
    // The names are the server's words: escaped like table cells.
    if (accounts.length > 0) output.data(accounts.map((account) => sanitize(account.jid)).join("\n"));
    const shownDisabled = accounts.filter((account) => account.disabled).length;
    const what = options.disabled ? "disabled accounts" : "accounts";
    const showing = match || options.disabled ? `${accounts.length} of ${registered.length}` : `all ${registered.length}`;
    output.ok(`Showing ${showing} ${what} on ${to}${!options.disabled && shownDisabled > 0 ? ` (${shownDisabled} disabled)` : ""}`);
    if (match && accounts.length === 0 && registered.length > 0) output.warn(`No account name matches ${JSON.stringify(pattern)}. ${PATTERN_HINT}`);
  },
});
