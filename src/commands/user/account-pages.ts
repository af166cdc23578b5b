// One of mod_admin_list_users's lists (registered or disabled accounts), read page by page and
// handed out one JID at a time, so that a host of any size costs at most two pages of memory (the
// one being read and the next, already asked for). The module sorts by name (Lua's string order:
// bytes) and starts each page after the last name of the one before; a list that does not go
// forward, or that grows past `cap` accounts, is refused: a server that keeps sending full pages of
// new names is stopped there instead of being read forever.
import { XmgrError } from "../../errors.js";
import { groupedCount } from "../../output/count.js";
import { checkCommandAnswer, execute, parseCommandAnswer } from "../../protocol/adhoc.js";
import type { KnownCommand } from "../../protocol/admin-forms.js";
import { declaredForm, fieldValues, submitForm } from "../../protocol/data-form.js";
import type { XmppSession } from "../../xmpp/session.js";
import { noSuchHost } from "../../protocol/no-such-host.js";

export const LIST_MODULE_SECTION = 'README, "Listing accounts: mod_admin_list_users"';

/** The name part of a JID as the module sorts it: its UTF-8 bytes. */
const nameBytes = (jid: string) => Buffer.from(jid.slice(0, Math.max(0, jid.lastIndexOf("@"))), "utf8");

/** <0, 0, >0 as the module orders the names of two JIDs of one host. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(nameBytes(a), nameBytes(b));
}

export interface ListSpec {
  command: KnownCommand;
  resultVar: string;
  pageSize: number;
  /** The most accounts read from this list before xmgr stops with an error. */
  cap: number;
  /** The hint when the cap is reached. */
  capHint: string;
}

/** The host refused the paged request: xmgr's mod_admin_list_users is not there (or the server is not Prosody). */
export class NoListModule extends XmgrError {
  constructor(message: string, hint: string) {
    super("refused", message, hint);
  }
}

export class AccountPages {
  private page: string[] = [];
  private index = 0;
  private last?: string;
  private done = false;
  private next?: Promise<string[]>;
  /** Accounts read so far. */
  count = 0;

  constructor(
    private readonly session: XmppSession,
    private readonly host: string,
    private readonly spec: ListSpec,
  ) {
    // Asked at once, so the two lists' first requests go out together.
    this.next = this.ask(undefined);
  }

  /** The next JID of the list, or undefined at its end. */
  async take(): Promise<string | undefined> {
    while (this.index >= this.page.length) {
      if (this.done) return undefined;
      await this.load();
    }
    return this.page[this.index++];
  }

  /** The rest of the current page, and the next one read: a whole page at a time, for printing. */
  async takePage(): Promise<string[]> {
    while (this.index >= this.page.length && !this.done) await this.load();
    const rest = this.page.slice(this.index);
    this.index = this.page.length;
    return rest;
  }

  private async load(): Promise<void> {
    const page = await this.next!;
    this.next = undefined;
    let previous = this.last;
    for (const jid of page) {
      // A server that ignores "after" (not xmgr's module) sends the same page forever.
      if (previous !== undefined && compareNames(jid, previous) <= 0) {
        throw new XmgrError("failure", `${this.host} sent its accounts out of order or the same accounts again, instead of the next page.`, "Check that the host runs xmgr's mod_admin_list_users, or give a --page-size larger than the number of accounts.");
      }
      previous = jid;
    }
    this.count += page.length;
    if (this.count > this.spec.cap) {
      throw new XmgrError("failure", `${this.host} sent more than ${groupedCount(this.spec.cap)} accounts: xmgr stopped reading there.`, this.spec.capHint);
    }
    this.done = page.length < this.spec.pageSize;
    this.last = previous;
    this.page = page;
    this.index = 0;
    if (!this.done) this.next = this.ask(this.last);
  }

  private ask(after: string | undefined): Promise<string[]> {
    const asked = listPage(this.session, this.host, this.spec, after);
    asked.catch(() => undefined); // read by load(); nobody waits for a page asked for after the last one used
    return asked;
  }
}

async function listPage(session: XmppSession, host: string, spec: ListSpec, after?: string): Promise<string[]> {
  const { command, resultVar, pageSize } = spec;
  const form = submitForm(declaredForm(command.fields, command.formType), { max_items: [String(pageSize)], ...(after !== undefined && { after: [after] }) });
  const answer = parseCommandAnswer(await session.request(execute(host, command.node, { form })));
  if (answer.stanzaError?.condition === "service-unavailable") {
    throw new NoListModule(
      `${host} does not list its accounts over XMPP: xmgr's Prosody module mod_admin_list_users is not loaded there.`,
      `Install prosody/mod_admin_list_users.lua and add "admin_list_users" to the host's modules_enabled (${LIST_MODULE_SECTION}).`,
    );
  }
  const noHost = noSuchHost(host, answer.stanzaError);
  if (noHost) throw noHost;
  const checked = checkCommandAnswer(answer, { to: host, node: command.node });
  return (checked.form ? (fieldValues(checked.form, resultVar) ?? []) : []).filter((jid) => jid !== "");
}

/** Whether each JID of the registered list (asked in order) is disabled: a walk along the sorted disabled list. */
export class DisabledLookup {
  private current?: string;
  private started = false;

  constructor(private readonly disabled: AccountPages) {}

  async has(jid: string): Promise<boolean> {
    if (!this.started) {
      this.started = true;
      this.current = await this.disabled.take();
    }
    while (this.current !== undefined && compareNames(this.current, jid) < 0) this.current = await this.disabled.take();
    return this.current !== undefined && compareNames(this.current, jid) === 0;
  }
}
