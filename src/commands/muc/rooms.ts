// What the muc commands share: room and service names, reading a room's answers, what a refusal
// means on Prosody 13 (a server admin counts as a room owner only with
// component_admins_as_room_owners), the MUC ad-hoc set-affiliation, and the last-owner guard.
import { XmgrError, usageError } from "../../errors.js";
import { parseBareJid } from "../../jid.js";
import { KNOWN_COMMANDS, MUC_AFFILIATIONS } from "../../protocol/admin-forms.js";
import {
  AFFILIATION_LISTS,
  affiliationListRequest,
  affiliationSetRequest,
  discoInfoRequest,
  discoItemsRequest,
  isMucService,
  parseAffiliationList,
  parseDiscoInfo,
  parseDiscoItems,
  takesLastOwner,
  type AffiliationItem,
  type ListedAffiliation,
} from "../../protocol/muc.js";
import { readStanzaError, type StanzaErrorInfo } from "../../protocol/stanza-error.js";
import type { Dialect } from "../../protocol/dialects/dialect.js";
import type { Output } from "../../output/output.js";
import type { XmppSession } from "../../xmpp/session.js";
import { runAdhoc } from "../adhoc-call.js";
import { confirmOrRefuse } from "../confirm.js";
import type { Prompts } from "../define.js";

/** A room JID as Prosody keys it: room@service, lower case. */
export function parseRoom(text: string, what = "room JID"): string {
  const jid = parseBareJid(text, what);
  return `${jid.local}@${jid.domain}`.toLowerCase();
}

export const serviceOf = (room: string): string => room.slice(room.lastIndexOf("@") + 1);

export function parseAffiliation(text: string): string {
  const affiliation = text.toLowerCase();
  if (!MUC_AFFILIATIONS.includes(affiliation)) {
    throw usageError(`Invalid affiliation ${JSON.stringify(text)}: use one of ${MUC_AFFILIATIONS.join(", ")}.`);
  }
  return affiliation;
}

/** The setting that makes a server admin a room owner, and where it goes. */
export const adminsAsOwnersHint = (service: string) =>
  `Set component_admins_as_room_owners = true under Component "${service}" "muc" in Prosody's config, then reload Prosody.`;

/** What an IQ error from a room means; `refused` words a refusal (forbidden, not-allowed). */
export function roomFailure(error: StanzaErrorInfo, room: string, refused: { message: string; hint?: string }): XmgrError {
  const said = error.text ? ` (the server says: ${error.text})` : "";
  switch (error.condition) {
    case "item-not-found":
      return new XmgrError("notFound", `There is no room ${room}${said}.`, `List the rooms with: xmgr muc list --all ${serviceOf(room)}`);
    case "gone":
      return roomGone(room);
    case "forbidden":
    case "not-authorized":
    case "not-allowed":
      if (/remote domains/i.test(error.text ?? "")) return noSuchService(serviceOf(room), error.text);
      return new XmgrError("refused", `${refused.message}${said}.`, refused.hint);
    case "remote-server-not-found":
    case "service-unavailable":
      return noSuchService(serviceOf(room), error.text);
    default:
      return new XmgrError("failure", `${room} answered ${error.condition}${said}.`);
  }
}

/** A destroyed persistent room: Prosody keeps a tombstone under its name (muc_tombstones). */
export function roomGone(room: string): XmgrError {
  return new XmgrError(
    "notFound",
    `${room} was destroyed; Prosody keeps its name reserved for a while (muc_tombstone_expiry, 31 days by default).`,
    "Choose another name for a new room.",
  );
}

/** What an IQ error from the MUC service itself means. */
export function serviceFailure(error: StanzaErrorInfo, service: string): XmgrError {
  if (["forbidden", "not-authorized"].includes(error.condition)) {
    return new XmgrError("refused", `${service} refused to list its rooms${error.text ? ` (the server says: ${error.text})` : ""}.`);
  }
  return noSuchService(service, error.text ?? error.condition);
}

function noSuchService(service: string, text?: string): XmgrError {
  return new XmgrError("notFound", `${service} is not a MUC service of this server${text ? ` (the server says: ${text})` : ""}.`, "Find them with: xmgr muc list");
}

/** The only MUC service the login's server lists in disco#items. */
export async function mucService(session: XmppSession, host: string): Promise<string> {
  const items = await session.request(discoItemsRequest(host));
  if (items.attrs.type === "error") throw new XmgrError("failure", `${host} did not list its services (${readStanzaError(items).condition}).`, "Name the MUC service, e.g. chat.example.com.");
  const candidates = parseDiscoItems(items).filter((item) => !item.jid.includes("@") && !item.jid.includes("/"));
  const infos = await Promise.all(candidates.map(async (item) => ({ jid: item.jid, answer: await session.request(discoInfoRequest(item.jid)) })));
  const services = infos.filter(({ answer }) => answer.attrs.type === "result" && isMucService(parseDiscoInfo(answer))).map(({ jid }) => jid);
  if (services.length === 1) return services[0];
  if (services.length === 0) {
    throw new XmgrError("notFound", `${host} lists no MUC service in its disco#items.`, "Name the MUC service, e.g. xmgr muc list chat.example.com.");
  }
  throw usageError(`${host} has ${services.length} MUC services: ${services.join(", ")}. Name one.`, `Example: xmgr muc list ${services[0]}`);
}

/** The affiliation lists of a room, or "refused" where the server does not show them to the login account. */
export async function readAffiliations(session: XmppSession, room: string, lists: readonly ListedAffiliation[] = AFFILIATION_LISTS): Promise<AffiliationItem[] | "refused"> {
  const answers = await Promise.all(lists.map((affiliation) => session.request(affiliationListRequest(room, affiliation))));
  const items: AffiliationItem[] = [];
  for (const answer of answers) {
    if (answer.attrs.type === "error") {
      const error = readStanzaError(answer);
      if (error.condition === "forbidden") return "refused";
      throw roomFailure(error, room, { message: `${serviceOf(room)} refused to list ${room}'s affiliations` });
    }
    items.push(...parseAffiliationList(answer));
  }
  return items;
}

/**
 * Sets an affiliation: with the MUC service's ad-hoc command, which a server admin may run in every
 * room (Prosody), or with the plain muc#admin set to the room (dialect.mucAdmin "xep0045").
 */
export async function setAffiliation(session: XmppSession, dialect: Dialect, room: string, jid: string, affiliation: string, reason?: string): Promise<void> {
  const service = serviceOf(room);
  if (dialect.mucAdmin === "xep0045") {
    const answer = await session.request(affiliationSetRequest(room, jid, affiliation, reason));
    if (answer.attrs.type === "error") {
      throw roomFailure(readStanzaError(answer), room, { message: `${room} did not let ${session.account} make ${jid} ${affiliation}`, hint: dialect.hints.admin });
    }
    return;
  }
  await runAdhoc(session, {
    to: service,
    ...KNOWN_COMMANDS.mucSetAffiliation,
    values: { room: [room], jid: [jid], affiliation: [affiliation], ...(reason && { reason: [reason] }) },
    forbidden: `${service} lets only server admins change affiliations in any room.`,
    errorNote: (text) =>
      /no such room/i.test(text)
        ? new XmgrError("notFound", `There is no room ${room}.`, `List the rooms with: xmgr muc list --all ${service}`)
        : new XmgrError("failure", `${service} did not change the affiliation: ${text || "no reason given"}.`),
  });
}

export interface GuardContext {
  session: XmppSession;
  output: Output;
  prompts: Prompts;
  yes: boolean;
  commandLine: string;
  dialect: Dialect;
}

/**
 * Prosody lets an admin take a room's only owner away, after which nobody can configure it
 * (ejabberd: only its server admins, owners of every room there).
 * Where the owner list can be read, that needs confirmation (or --yes); where it cannot (no
 * component_admins_as_room_owners), xmgr says that it could not check.
 */
export async function guardLastOwner(context: GuardContext, room: string, jid: string, affiliation: string): Promise<void> {
  if (affiliation === "owner" || context.yes) return;
  const owners = await readAffiliations(context.session, room, ["owner"]);
  if (owners === "refused") {
    context.output.warn(`Could not check whether ${jid} is ${room}'s last owner: the server does not show the room's owners to ${context.session.account}${context.dialect.mucAdmin === "adhoc" ? " (server admins see them only with component_admins_as_room_owners)" : ""}.`);
    return;
  }
  if (!takesLastOwner(owners.map((owner) => owner.jid), jid, affiliation)) return;
  await confirmOrRefuse(
    { action: `${jid} is the only owner of ${room}: making it ${affiliation} leaves the room without an owner${context.dialect.hints.lastOwnerGone ? `, and ${context.dialect.hints.lastOwnerGone}` : ""}` },
    false,
    context.prompts,
    context.commandLine,
  );
}

export const YES_ANYWAY = { long: "--yes", short: "-y", help: "go on even when it takes the room's last owner away (needed without a terminal)" };
