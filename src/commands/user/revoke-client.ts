// xmgr user revoke_client JID SELECTOR: take a client's access to an account away.
import { XmgrError, exitKind, usageError, quoted } from "../../errors.js";
import { bare, parseBareJid, sameBare } from "../../jid.js";
import { passwordResetRequired, readStanzaError, revokeRequest, type AuthKind, type Client, type StanzaErrorInfo } from "../../protocol/manage-clients.js";
import type { Output } from "../../output/output.js";
import { closedBeforeAnswer } from "../../xmpp/session.js";
import type { LoggedIn, SessionSource } from "../xmpp-session.js";
import { clientsOf, invalidateOwnToken, revocableLeft, waitUntilDisconnected } from "../revocation.js";
import { refusal } from "./refusals.js";
import { defineCommand } from "../define.js";
import { NOT_IN_XML } from "../../protocol/xml-chars.js";

const SELECTOR = /^(?:(?:client|grant)\/[^\s/][^\s]*|software\/[^\s/]+(?:\/[^\s/]+)?)$/u;

export function checkSelector(selector: string): string {
  if (!SELECTOR.test(selector) || selector.length > 1023 || /\p{Cc}/u.test(selector) || NOT_IN_XML.test(selector)) {
    throw usageError(
      `Invalid client selector ${quoted(selector)}.`,
      "Use client/ID or grant/ID as listed by 'xmgr user clients', or software/NAME[/VERSION].",
    );
  }
  return selector;
}

export async function revokeClient(sessions: SessionSource, output: Output, jidText: string, selectorText: string): Promise<void> {
  const target = parseBareJid(jidText, "account JID");
  const targetText = bare(target);
  const selector = checkSelector(selectorText);
  const outcome = await sessions.use(async (login): Promise<Outcome> => {
    const own = sameBare(target, login.login);
    const list = () => clientsOf(login.session, own ? undefined : targetText, login.account);
    // The client the selector names, as the server picks it, so that a retry and the check name it too.
    // An exact client/… or grant/… of another account names itself: no list before (each list costs
    // the server a read of every grant of the account), only the one that checks the outcome.
    const before = own || selector.startsWith("software/") ? await list() : undefined;
    const client = before ? resolve(selector, before) : selector;
    const ownHad = before ? revocableLeft(before, `client/${login.clientId}`) : [];
    if (own && client === `client/${login.clientId}`) return revokeOwnClient(login, selector, output, ownHad);
    const ask = async (what: string) => {
      try {
        return await login.session.request(revokeRequest(what, own ? undefined : targetText));
      } catch (error) {
        // The stream closed under the request: the selector named the session it was sent on.
        if (closedBeforeAnswer(error) && own && namesOwnClient(what, login.clientId)) return undefined;
        throw error;
      }
    };
    let answer = await ask(selector);
    if (answer === undefined) return revokeOwnClient(login, selector, output, ownHad, true);
    // Prosody's stock module closes a connected client's session and revokes nothing: once the
    // client is gone from the server, the same revoke takes its tokens and grant. A client that
    // logs straight back in (with the token it still has) is caught again, a few times.
    for (let attempt = 0; attempt < RETRIES && answer.attrs.type === "error" && client && ONLY_DISCONNECTED.has(readStanzaError(answer).condition); attempt++) {
      if (!(await waitUntilDisconnected(list, client, Math.max(login.xmpp.timeoutMs, 6_000)))) {
        throw new XmgrError("failure", `The server disconnected ${client} but kept its session open, so nothing was revoked yet.`, "Run the command again in a few seconds.");
      }
      answer = await ask(client);
      if (answer === undefined) return revokeOwnClient(login, selector, output, ownHad, true);
    }
    if (answer.attrs.type === "error" && client && ONLY_DISCONNECTED.has(readStanzaError(answer).condition) && (await list()).find((entry) => entry.id === client)?.connected) {
      throw new XmgrError(
        "failure",
        `The server only disconnected ${client}, which logged in again each time before it could be revoked: its access is not revoked.`,
        `Stop that client first (or change ${targetText}'s password), then run the command again.`,
      );
    }
    const passwordKept = answer.attrs.type === "error" && passwordResetRequired(answer);
    if (answer.attrs.type === "error" && !passwordKept) throw failureOf(readStanzaError(answer), selector, targetText, login.account, own);
    const left = client ? revocableLeft(await list(), client) : [];
    if (left.length > 0) throw stillHas(client!, left, targetText);
    return { client, ownSession: false, passwordKept };
  });
  if (outcome.passwordKept) throw passwordKeeps(outcome.client ?? selector, targetText);
  if (output.json) {
    output.jsonData({ jid: targetText, selector, ...(outcome.client && outcome.client !== selector && { client: outcome.client }), revoked: true, ownSession: outcome.ownSession });
    return;
  }
  output.ok(
    outcome.ownSession
      ? "Client access revoked; it was xmgr's own client: the server closed this session and deleted xmgr's FAST token"
      : "Client access revoked",
  );
}

interface Outcome {
  /** The client/… or grant/… the selector named, when it was listed. */
  client?: string;
  ownSession: boolean;
  /** The server revoked tokens and grants but the client logged in with the password, which keeps working. */
  passwordKept: boolean;
}

/** How often a revoke is sent again to a client that logged straight back in. */
const RETRIES = 3;

/** Errors of a revoke that only disconnected a connected client (account itself; through mod_admin_manage_clients). */
const ONLY_DISCONNECTED = new Set(["undefined-condition", "internal-server-error"]);

/** The listed client a selector names, as the server picks it: the first listed match for software/…. */
function resolve(selector: string, clients: Client[]): string | undefined {
  if (!selector.startsWith("software/")) return clients.some((client) => client.id === selector) ? selector : undefined;
  const [, name, version] = selector.split("/");
  return clients.find((client) => client.userAgent?.software === name && (version === undefined || client.userAgent?.version === version))?.id;
}

/**
 * Revoking the client this session is: the server closes the session (no reply) and keeps the
 * client's FAST token, so xmgr has the server delete its own token and checks that it is gone.
 */
async function revokeOwnClient(login: LoggedIn, selector: string, output: Output, had: AuthKind[], alreadySent = false): Promise<Outcome> {
  const client = `client/${login.clientId}`;
  if (!alreadySent) {
    try {
      await login.session.request(revokeRequest(selector));
    } catch (error) {
      if (!closedBeforeAnswer(error)) throw error;
    }
  }
  await login.session.close();
  const result = await invalidateOwnToken(login.xmpp, output);
  const left = result.left ?? [];
  if (result.problem) {
    throw new XmgrError(
      exitKind(result.problem.exitCode),
      `The server closed xmgr's own session (${client}) but kept its FAST token, and xmgr could not have it deleted: ${result.problem.message}`,
      `From another client (e.g. xmgr with another --profile), run: xmgr user revoke_client ${login.account} ${client}`,
    );
  }
  // Without a token of its own xmgr cannot reach one the server still holds for its client.
  const unreached = result.hadToken ? (result.tokenRefused ? left : ["fast" as const]) : had;
  if (unreached.length > 0) throw stillHas(client, unreached, login.account);
  // xmgr keeps no password, so the password access the server may still list for it is not xmgr's to end.
  return { client, ownSession: true, passwordKept: false };
}

function stillHas(client: string, left: AuthKind[], account: string): XmgrError {
  const names = left.map((kind) => (kind === "fast" ? "a FAST token" : "a grant")).join(" and ");
  return new XmgrError(
    "failure",
    `The server answered, but ${client} still has ${names}: its access is not revoked.`,
    `From another client (e.g. xmgr with another --profile), run: xmgr user revoke_client ${account} ${client}`,
  );
}

function passwordKeeps(client: string, account: string): XmgrError {
  return new XmgrError(
    "refused",
    `${client} logged in with the account's password: it keeps access until ${account}'s password changes. Its grants and FAST tokens were revoked.`,
    `To end its access, change the password (e.g. prosodyctl passwd ${account}).`,
  );
}

function failureOf(error: StanzaErrorInfo, selector: string, target: string, account: string, own: boolean): XmgrError {
  if (error.condition === "item-not-found" && !own && /\baccount\b/i.test(error.text ?? "")) {
    // mod_admin_manage_clients: the account itself does not exist ("Account not found").
    return refusal(error, target, account, own);
  }
  if (error.condition === "item-not-found") {
    return new XmgrError("notFound", `No client ${selector} has access to ${target}.`, `List them with: xmgr user clients ${target}`);
  }
  return refusal(error, target, account, own);
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
