// XEP-0045 multi-user chat as a remote admin of Prosody 13 speaks it (facts:
// shared/protocol/admin/README.md, MUC sections, transcripts 30–39): service and room discovery,
// affiliation lists, the kick, the owner's destroy and configuration, joining and leaving, and
// what the MUC ad-hoc commands answer. Pure: builds and reads stanzas, no I/O.
import type { Element } from "@xmpp/xml";
import xml from "@xmpp/xml";
import { declaredForm, NS_DATA, parseForm, submitForm, type DataForm, type FieldSpec } from "./data-form.js";

export const NS_MUC = "http://jabber.org/protocol/muc";
export const NS_MUC_USER = "http://jabber.org/protocol/muc#user";
export const NS_MUC_ADMIN = "http://jabber.org/protocol/muc#admin";
export const NS_MUC_OWNER = "http://jabber.org/protocol/muc#owner";
export const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
export const NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
const ROOM_CONFIG = "http://jabber.org/protocol/muc#roomconfig";

/** The affiliations a room keeps a list of (XEP-0045 §9, §10); "none" has no list. */
export const AFFILIATION_LISTS = ["owner", "admin", "member", "outcast"] as const;
export type ListedAffiliation = (typeof AFFILIATION_LISTS)[number];

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

// ---------------------------------------------------------------- discovery

export const discoItemsRequest = (to: string): Element => xml("iq", { type: "get", to }, xml("query", { xmlns: NS_DISCO_ITEMS }));
export const discoInfoRequest = (to: string): Element => xml("iq", { type: "get", to }, xml("query", { xmlns: NS_DISCO_INFO }));

export interface DiscoItem {
  jid: string;
  name?: string;
}

/** The items of a disco#items result (a MUC service lists its public rooms only). */
export function parseDiscoItems(iq: Element): DiscoItem[] {
  const query = iq.getChild("query", NS_DISCO_ITEMS);
  return (query?.getChildren("item") ?? []).flatMap((item) => {
    const jid = str(item.attrs.jid);
    const name = str(item.attrs.name);
    return jid ? [{ jid, ...(name && { name }) }] : [];
  });
}

export interface DiscoInfo {
  identities: { category: string; type: string; name?: string }[];
  features: string[];
  /** The first extended-info form (a room's muc#roominfo). */
  form?: DataForm;
}

export function parseDiscoInfo(iq: Element): DiscoInfo {
  const query = iq.getChild("query", NS_DISCO_INFO);
  const identities = (query?.getChildren("identity") ?? []).map((identity) => {
    const name = str(identity.attrs.name);
    return { category: str(identity.attrs.category) ?? "", type: str(identity.attrs.type) ?? "", ...(name && { name }) };
  });
  const features = (query?.getChildren("feature") ?? []).flatMap((feature) => str(feature.attrs.var) ?? []);
  const x = query?.getChild("x", NS_DATA);
  return { identities, features, ...(x && { form: parseForm(x) }) };
}

/** A MUC service says so with the identity conference/text (a room does too, but has a local part). */
export const isMucService = (info: DiscoInfo): boolean =>
  info.identities.some((identity) => identity.category === "conference" && identity.type === "text") && info.features.includes(NS_MUC);

export interface RoomInfo {
  name?: string;
  description?: string;
  occupants?: number;
  language?: string;
  public: boolean;
  persistent: boolean;
  membersOnly: boolean;
  moderated: boolean;
  passwordProtected: boolean;
  /** Who sees occupants' real JIDs: "semi" (moderators), "non" (anyone). */
  anonymity?: "semi" | "non" | "full";
  /** Every feature the room announces, as it sent them. */
  features: string[];
}

/** A room's disco#info (XEP-0045 §6.4): the muc_* features and the muc#roominfo form. */
export function roomInfo(info: DiscoInfo): RoomInfo {
  const has = (feature: string) => info.features.includes(feature);
  const field = (name: string) => {
    const value = info.form?.fields.find((candidate) => candidate.var === name)?.values[0];
    return value === undefined || value === "" ? undefined : value;
  };
  const occupants = Number(field("muc#roominfo_occupants"));
  const name = field("muc#roomconfig_roomname") ?? info.identities.find((identity) => identity.category === "conference")?.name;
  const description = field("muc#roominfo_description");
  const language = field("muc#roominfo_lang");
  const anonymity = has("muc_nonanonymous") ? "non" : has("muc_semianonymous") ? "semi" : has("muc_fullyanonymous") ? "full" : undefined;
  return {
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
    ...(Number.isFinite(occupants) && field("muc#roominfo_occupants") !== undefined && { occupants }),
    ...(language !== undefined && { language }),
    public: has("muc_public"),
    persistent: has("muc_persistent"),
    membersOnly: has("muc_membersonly"),
    moderated: has("muc_moderated"),
    passwordProtected: has("muc_passwordprotected"),
    ...(anonymity && { anonymity }),
    features: info.features,
  };
}

// ---------------------------------------------------------------- affiliations and kicks

/** The list of one affiliation (XEP-0045 §9.5, §10.5); Prosody lets room owners and admins (and admins as owners) read them. */
export const affiliationListRequest = (room: string, affiliation: ListedAffiliation): Element =>
  xml("iq", { type: "get", to: room }, xml("query", { xmlns: NS_MUC_ADMIN }, xml("item", { affiliation })));

export interface AffiliationItem {
  jid: string;
  affiliation: string;
  nick?: string;
  reason?: string;
}

export function parseAffiliationList(iq: Element): AffiliationItem[] {
  const query = iq.getChild("query", NS_MUC_ADMIN);
  return (query?.getChildren("item") ?? []).flatMap((item) => {
    const jid = str(item.attrs.jid);
    const affiliation = str(item.attrs.affiliation);
    if (!jid || !affiliation) return [];
    const nick = str(item.attrs.nick);
    const reason = item.getChildText("reason")?.trim();
    return [{ jid, affiliation, ...(nick && { nick }), ...(reason && { reason }) }];
  });
}

/** An admin's or owner's affiliation change (XEP-0045 §9, §10): to ban, the affiliation outcast. */
export const affiliationSetRequest = (room: string, jid: string, affiliation: string, reason?: string): Element =>
  xml("iq", { type: "set", to: room }, xml("query", { xmlns: NS_MUC_ADMIN }, xml("item", { jid, affiliation }, reason ? xml("reason", {}, reason) : undefined)));

/** A kick (XEP-0045 §8.2): role none. Prosody takes it only from a moderator who is in the room. */
export const kickRequest = (room: string, nick: string, reason?: string): Element =>
  xml("iq", { type: "set", to: room }, xml("query", { xmlns: NS_MUC_ADMIN }, xml("item", { nick, role: "none" }, reason ? xml("reason", {}, reason) : undefined)));

/**
 * Whether setting `jid`'s affiliation to `affiliation` leaves the room without an owner, given
 * its owners (bare JIDs): the server allows it, and nobody can configure the room afterwards.
 */
export function takesLastOwner(owners: readonly string[], jid: string, affiliation: string): boolean {
  const normal = (text: string) => text.toLowerCase();
  return affiliation !== "owner" && owners.length > 0 && owners.every((owner) => normal(owner) === normal(jid));
}

// ---------------------------------------------------------------- owner: destroy and configuration

/** The owner's destroy (XEP-0045 §10.9), which occupants receive with the reason and the alternate room. */
export function ownerDestroyRequest(room: string, options: { reason?: string; alternate?: string } = {}): Element {
  const destroy = xml("destroy", options.alternate ? { jid: options.alternate } : {}, options.reason ? xml("reason", {}, options.reason) : undefined);
  return xml("iq", { type: "set", to: room }, xml("query", { xmlns: NS_MUC_OWNER }, destroy));
}

export const configRequest = (room: string): Element => xml("iq", { type: "get", to: room }, xml("query", { xmlns: NS_MUC_OWNER }));

export interface RoomSettings {
  name?: string;
  persistent?: boolean;
  public?: boolean;
  membersOnly?: boolean;
}

const CONFIG_FIELDS: Record<keyof RoomSettings, FieldSpec> = {
  name: { var: "muc#roomconfig_roomname", type: "text-single" },
  persistent: { var: "muc#roomconfig_persistentroom", type: "boolean" },
  public: { var: "muc#roomconfig_publicroom", type: "boolean" },
  membersOnly: { var: "muc#roomconfig_membersonly", type: "boolean" },
};

/** The owner's configuration submit (XEP-0045 §10.2) with only the settings given; the rest keep the server's defaults. */
export function configSubmit(room: string, settings: RoomSettings): Element {
  const values: Record<string, string[]> = {};
  for (const [key, spec] of Object.entries(CONFIG_FIELDS) as [keyof RoomSettings, FieldSpec][]) {
    const value = settings[key];
    if (value !== undefined) values[spec.var] = [typeof value === "boolean" ? (value ? "1" : "0") : value];
  }
  const form = submitForm(declaredForm(Object.values(CONFIG_FIELDS), ROOM_CONFIG), values);
  return xml("iq", { type: "set", to: room }, xml("query", { xmlns: NS_MUC_OWNER }, form));
}

export interface RoomConfig {
  name: string;
  description: string;
  persistent: boolean;
  public: boolean;
  membersOnly: boolean;
  moderated: boolean;
  passwordProtected: boolean;
  /** Who may see occupants' real JIDs: "moderators" or "anyone". */
  whois?: string;
}

/** The configuration form an owner gets (muc#roomconfig), as settings. */
export function parseRoomConfig(iq: Element): RoomConfig | undefined {
  const x = iq.getChild("query", NS_MUC_OWNER)?.getChild("x", NS_DATA);
  if (!x) return undefined;
  const form = parseForm(x);
  const value = (name: string) => form.fields.find((field) => field.var === name)?.values[0] ?? "";
  const bool = (name: string) => /^(1|true)$/i.test(value(name));
  const whois = value("muc#roomconfig_whois");
  return {
    name: value("muc#roomconfig_roomname"),
    description: value("muc#roomconfig_roomdesc"),
    persistent: bool("muc#roomconfig_persistentroom"),
    public: bool("muc#roomconfig_publicroom"),
    membersOnly: bool("muc#roomconfig_membersonly"),
    moderated: bool("muc#roomconfig_moderatedroom"),
    passwordProtected: value("muc#roomconfig_roomsecret") !== "",
    ...(whois && { whois }),
  };
}

// ---------------------------------------------------------------- occupancy

/** Joining (XEP-0045 §7.2) without the room's history. */
export const joinPresence = (room: string, nick: string): Element =>
  xml("presence", { to: `${room}/${nick}` }, xml("x", { xmlns: NS_MUC }, xml("history", { maxstanzas: "0" })));

export const leavePresence = (room: string, nick: string): Element => xml("presence", { to: `${room}/${nick}`, type: "unavailable" });

export interface OccupantPresence {
  /** room@service/nick */
  from: string;
  type?: string;
  role?: string;
  affiliation?: string;
  /** The muc#user status codes: 110 self, 201 created, 301 banned, 307 kicked, … */
  statuses: string[];
  /** Set when the room was destroyed (<destroy/>), with its alternate and reason if any. */
  destroy?: { jid?: string; reason?: string };
  /** The stanza error condition of an error presence (a refused join). */
  error?: string;
}

/** Reads a presence from a room occupant; undefined for a presence that is not a MUC one. */
export function readOccupantPresence(presence: Element): OccupantPresence | undefined {
  if (presence.name !== "presence") return undefined;
  const from = str(presence.attrs.from) ?? "";
  const type = str(presence.attrs.type);
  if (type === "error") {
    const condition = presence.getChild("error")?.getChildElements().find((child) => child.name !== "text")?.name ?? "undefined-condition";
    return { from, type, statuses: [], error: condition };
  }
  const x = presence.getChild("x", NS_MUC_USER);
  if (!x) return undefined;
  const item = x.getChild("item");
  const destroy = x.getChild("destroy");
  const role = str(item?.attrs.role);
  const affiliation = str(item?.attrs.affiliation);
  const destroyJid = str(destroy?.attrs.jid);
  const destroyReason = destroy?.getChildText("reason") ?? undefined;
  return {
    from,
    ...(type && { type }),
    ...(role && { role }),
    ...(affiliation && { affiliation }),
    statuses: x.getChildren("status").flatMap((status) => str(status.attrs.code) ?? []),
    ...(destroy && { destroy: { ...(destroyJid && { jid: destroyJid }), ...(destroyReason && { reason: destroyReason }) } }),
  };
}

/** The bare room JID of an occupant JID (room@service/nick). */
export const roomOf = (occupant: string): string => occupant.split("/")[0].toLowerCase();

// ---------------------------------------------------------------- MUC ad-hoc commands

/** The rooms the muc#destroy form offers: every room of the service, hidden ones included. */
export function destroyFormRooms(form: DataForm | undefined): string[] {
  return form?.fields.find((field) => field.var === "rooms")?.options.map((option) => option.value).filter(Boolean) ?? [];
}

/** The rooms a muc#destroy info note names ("The following rooms were destroyed:\n<jid>…"). */
export function destroyedRooms(note: string): string[] {
  const lines = note.split(/\r?\n/).map((line) => line.trim());
  const start = lines.findIndex((line) => /rooms were destroyed:?$/i.test(line));
  return start === -1 ? [] : lines.slice(start + 1).filter((line) => line.includes("@"));
}
