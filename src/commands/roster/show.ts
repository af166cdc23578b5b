// xmgr roster show JID: an account's roster, as admin#get-user-roster embeds it (a jabber:iq:roster query).
import { XmgrError } from "../../errors.js";
import { bare, parseBareJid } from "../../jid.js";
import { KNOWN_COMMANDS } from "../../protocol/admin-forms.js";
import { runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { noSuchAccount } from "../user/admin-accounts.js";

const NS_ROSTER = "jabber:iq:roster";

export interface Contact {
  jid: string;
  name?: string;
  subscription: string;
  ask?: string;
  groups: string[];
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

export default defineCommand<{ jid: string }>({
  section: "roster",
  name: "show",
  summary: "show an account's roster: contact, name, subscription, ask, groups",
  details: "An unknown account is exit 4. Needs a server admin (mod_admin_adhoc).",
  args: [{ name: "jid", kind: "account", help: "the account, e.g. alice@example.com" }],
  examples: ["xmgr roster show alice@example.com", "xmgr --json roster show alice@example.com | jq -r '.contacts[].jid'"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { jid }) {
    const target = parseBareJid(jid, "account JID");
    const account = bare(target);
    const answer = await sessions.use(({ session }) =>
      runAdhoc(session, { to: target.domain, ...KNOWN_COMMANDS.getUserRoster, values: { accountjid: [account] }, errorNote: noSuchAccount(account) }),
    );
    const query = answer.payloads.find((payload) => payload.name === "query" && payload.attrs.xmlns === NS_ROSTER);
    if (!query) throw new XmgrError("failure", `The server's answer holds no roster for ${account}.`);
    const contacts: Contact[] = query.getChildren("item").flatMap((item) => {
      const contact = text(item.attrs.jid);
      if (!contact) return [];
      const name = text(item.attrs.name);
      const ask = text(item.attrs.ask);
      return [{ jid: contact, ...(name !== undefined && { name }), subscription: text(item.attrs.subscription) ?? "none", ...(ask !== undefined && { ask }), groups: item.getChildren("group").map((group) => group.text()) }];
    });
    if (output.json) {
      output.jsonData({ jid: account, contacts });
      return;
    }
    if (contacts.length === 0) {
      output.ok(`${account} has no contacts`);
      return;
    }
    output.table(
      [
        { title: "Contact", cell: (row: Contact) => row.jid },
        { title: "Name", cell: (row: Contact) => row.name ?? "" },
        { title: "Subscription", cell: (row: Contact) => row.subscription },
        { title: "Ask", cell: (row: Contact) => row.ask ?? "" },
        { title: "Groups", cell: (row: Contact) => row.groups.join(", ") },
      ],
      contacts,
    );
    output.ok(`${contacts.length} contact${contacts.length === 1 ? "" : "s"}`);
  },
});
