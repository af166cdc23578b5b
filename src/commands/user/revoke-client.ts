// xmgr user revoke_client JID SELECTOR: take a client's access to an account away.
import { XmgrError, usageError } from "../../errors.js";
import { bare, parseBareJid, sameBare } from "../../jid.js";
import { passwordResetRequired, readStanzaError, revokeRequest } from "../../protocol/manage-clients.js";
import type { Output } from "../../output/output.js";
import { SessionClosedError } from "../../xmpp/session.js";
import type { SessionSource } from "../xmpp-session.js";
import { refusal } from "./refusals.js";
import { defineCommand } from "../define.js";
import { NOT_IN_XML } from "../../protocol/xml-chars.js";

const SELECTOR = /^(?:(?:client|grant)\/[^\s/][^\s]*|software\/[^\s/]+(?:\/[^\s/]+)?)$/u;

export function checkSelector(selector: string): string {
  if (!SELECTOR.test(selector) || selector.length > 1023 || /\p{Cc}/u.test(selector) || NOT_IN_XML.test(selector)) {
    throw usageError(
      `Invalid client selector ${JSON.stringify(selector)}.`,
      "Use client/ID or grant/ID as listed by 'xmgr user clients', or software/NAME[/VERSION].",
    );
  }
  return selector;
}

export async function revokeClient(sessions: SessionSource, output: Output, jidText: string, selectorText: string): Promise<void> {
  const target = parseBareJid(jidText, "account JID");
  const targetText = bare(target);
  const selector = checkSelector(selectorText);
  const outcome = await sessions.use(async ({ session, login, account, clientId }) => {
    const own = sameBare(target, login);
    try {
      const answer = await session.request(revokeRequest(selector, own ? undefined : targetText));
      if (answer.attrs.type !== "error") return "revoked";
      const error = readStanzaError(answer);
      if (passwordResetRequired(answer)) {
        throw new XmgrError(
          "refused",
          `${selector} logged in with the account's password: it keeps access until ${targetText}'s password changes. Its grants and FAST tokens were revoked.`,
          `To end its access, change the password (e.g. prosodyctl passwd ${targetText}).`,
        );
      }
      if (error.condition === "item-not-found" && !own && /\baccount\b/i.test(error.text ?? "")) {
        // mod_admin_manage_clients: the account itself does not exist ("Account not found").
        throw refusal(error, targetText, account, own);
      }
      if (error.condition === "item-not-found") {
        throw new XmgrError("notFound", `No client ${selector} has access to ${targetText}.`, `List them with: xmgr user clients ${targetText}`);
      }
      throw refusal(error, targetText, account, own);
    } catch (error) {
      if (error instanceof SessionClosedError && own && namesOwnClient(selector, clientId)) return "revoked-self";
      throw error;
    }
  });
  if (output.json) {
    output.jsonData({ account: targetText, selector, revoked: true, ownSession: outcome === "revoked-self" });
    return;
  }
  output.ok(outcome === "revoked-self" ? "Client access revoked; it was xmgr's own client, so the server closed this session (a client that logged in with the password keeps access until the password changes)" : "Client access revoked");
}

/** Whether the selector names xmgr's own client (its client/ID, or software/xmgr[/VERSION]). */
export function namesOwnClient(selector: string, clientId: string | undefined): boolean {
  return (clientId !== undefined && selector === `client/${clientId}`) || selector === "software/xmgr" || selector.startsWith("software/xmgr/");
}

export default defineCommand<{ jid: string; selector: string }>({
  section: "user",
  name: "revoke_client",
  aliases: ["revoke-client"],
  summary: "take a client's access to an account away",
  args: [
    { name: "jid", kind: "account", help: "the account, e.g. alice@example.com" },
    { name: "selector", kind: "selector", help: "client/ID or grant/ID from 'user clients', or software/NAME[/VERSION]" },
  ],
  examples: ["xmgr user revoke_client alice@example.com grant/HjEEr45_LQr", "xmgr user revoke_client alice@example.com software/Gajim"],
  transport: "xmpp",
  // Revoking xmgr's own client closes the session every pipelined request shares: run it alone.
  batch: ({ selector }, _options, ownClientId) => (namesOwnClient(selector, ownClientId()) ? "alone" : "write"),
  run: ({ sessions, output }, { jid, selector }) => revokeClient(sessions, output, jid, selector),
});
