// xmgr muc kick ROOM NICK [REASON]: kick an occupant, over HTTP through mod_http_muc_kick, or over
// XMPP: join the room as the admin, kick as a moderator, leave. Prosody takes a kick only from a
// moderator who is in the room, and makes a server admin one only with
// component_admins_as_room_owners; xmgr checks that before joining, so a refusal is not seen in the room.
import type { Dialect } from "../../protocol/dialects/dialect.js";
import { ExitCode, XmgrError, usageError, quoted } from "../../errors.js";
import { bare, parseBareJid } from "../../jid.js";
import { checkKickAnswer, kickBody, type KickRequest } from "../../protocol/muc-kick.js";
import type { Settings } from "../../config/settings.js";
import { canPrompt, promptSecret } from "../../config/prompt.js";
import { isLoopback, parseHostPort } from "../../config/server-address.js";
import type { Output } from "../../output/output.js";
import { NOT_IN_XML } from "../../protocol/xml-chars.js";
import { affiliationListRequest, kickRequest } from "../../protocol/muc.js";
import { readStanzaError } from "../../protocol/stanza-error.js";
import type { SessionSource } from "../xmpp-session.js";
import { defineCommand } from "../define.js";
import { joinRoom, leaveRoom } from "./occupancy.js";
import { adminsAsOwnersHint, parseRoom, roomFailure, serviceOf } from "./rooms.js";

export interface KickOptions {
  via?: string;
  nick?: string;
  url?: string;
  httpServer?: string;
  authFile?: string;
  allowPlainHttp?: boolean;
}

const PROSODY_HTTPS_PORT = 5281;

export function checkNickname(nickname: string): string {
  if (nickname === "" || nickname.length > 1023 || /\p{Cc}/u.test(nickname) || NOT_IN_XML.test(nickname)) {
    throw usageError(`Invalid nickname ${quoted(nickname)}: it must be 1 to 1023 characters without control characters or characters XML cannot carry.`);
  }
  return nickname;
}

export function checkReason(reason: string | undefined): string | undefined {
  if (reason === undefined || reason === "") return undefined;
  if (reason.length > 4000 || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(reason) || NOT_IN_XML.test(reason)) {
    throw usageError("Invalid reason: it must be under 4000 characters without control characters or characters XML cannot carry.");
  }
  return reason;
}

/** The endpoint: --url as given (with /muc_kick added to a base URL), else the room's domain on Prosody's HTTPS port. */
export function kickUrl(configured: string | undefined, roomDomain: string): URL {
  if (!configured) return new URL(`https://${roomDomain}:${PROSODY_HTTPS_PORT}/muc_kick`);
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    throw usageError(`Invalid URL ${quoted(configured)}.`, "Example: --url https://chat.example.com:5281/muc_kick");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw usageError(`Invalid URL ${quoted(configured)}: use https:// (or http:// on loopback).`);
  }
  if (url.username || url.password) {
    throw usageError("Put no credentials in the URL: give the Authorization value through XMGR_MUC_KICK_AUTH or --auth-file.");
  }
  const path = url.pathname.replace(/\/+$/, ""); // ".../muc_kick/" is the endpoint too, not a base URL
  url.pathname = path.endsWith("/muc_kick") ? path : `${path}/muc_kick`;
  return url;
}

export async function kick(settings: Settings, output: Output, roomText: string, nickname: string, reason: string | undefined, options: KickOptions): Promise<void> {
  const room = parseBareJid(roomText, "room JID");
  const request: KickRequest = { nickname: checkNickname(nickname), muc: bare(room), reason: checkReason(reason) };
  const url = kickUrl(settings.pick(options.url, "XMGR_MUC_KICK_URL", "muc_kick_url"), room.domain);
  const serverText = settings.pick(options.httpServer, "XMGR_MUC_KICK_SERVER", "muc_kick_server");
  const connectTo = serverText ? parseHostPort(serverText, Number(url.port || (url.protocol === "https:" ? 443 : 80))) : undefined;
  const destination = connectTo?.host ?? url.hostname.replace(/^\[|\]$/g, "");
  if (url.protocol === "http:" && !isLoopback(destination) && !settings.flag(options.allowPlainHttp, "XMGR_ALLOW_PLAIN_HTTP", "allow_plain_http")) {
    throw usageError(
      `Refusing to send the Authorization value over plain http to ${destination}.`,
      "Use an https:// URL, or pass --allow-plain-http if the network path is trusted.",
    );
  }
  const connection = settings.connection();
  if (connection.insecure && url.protocol === "https:") output.warn("--insecure: the server's certificate is not verified, so anyone on the network path can pose as the server and take the Authorization value, which stays valid. Use --ca FILE instead.");
  const authorization = await authorizationValue(settings, options, url.toString());
  const { postJson } = await import("../../http/post.js");
  const answer = await postJson({
    url,
    connectTo,
    body: kickBody(request),
    authorization,
    ca: connection.ca,
    insecure: connection.insecure,
    timeoutMs: connection.timeoutMs,
    trace: output.verbose ? (line) => output.trace(line) : undefined,
  });
  try {
    checkKickAnswer(answer, request, url.toString());
  } catch (error) {
    // A typed value the server refused is asked for again next time.
    if (error instanceof XmgrError && error.exitCode === ExitCode.auth) typedAuthorization.delete(url.toString());
    throw error;
  }
  if (output.json) {
    output.jsonData({ room: request.muc, nick: request.nickname, ...(request.reason && { reason: request.reason }), kicked: true, via: "http" });
    return;
  }
  output.ok(`Kicked ${request.nickname} from ${request.muc}`);
}

/**
 * An HTTP header value is Latin-1 without control characters (a CR or LF would start another
 * header): anything else is refused before a connection is made. The value is not repeated.
 */
function checkHeaderValue(value: string): string {
  const bad = /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value) ? "a control character (such as a line break)" : /[^\u0000-\u00ff]/.test(value) ? "a character outside Latin-1" : undefined;
  if (bad) {
    throw new XmgrError("usage", `The Authorization value holds ${bad}, which an HTTP header cannot carry.`, "Give the value exactly as http_muc_kick_authorization_header has it (e.g. Basic dXNlcjpwYXNz).");
  }
  return value;
}

/** Values typed at the prompt, per endpoint: `xmgr shell` asks once per shell, not once per kick. */
const typedAuthorization = new Map<string, Promise<string>>();

async function authorizationValue(settings: Settings, options: KickOptions, endpoint: string): Promise<string> {
  const value = settings.secret({ variable: "XMGR_MUC_KICK_AUTH", fileOption: options.authFile, key: "muc_kick_auth", fileKey: "muc_kick_auth_file" });
  if (value) return checkHeaderValue(value);
  if (canPrompt()) {
    let typed = typedAuthorization.get(endpoint);
    if (!typed) {
      typed = promptSecret("Authorization header value (as in http_muc_kick_authorization_header): ").then(checkHeaderValue);
      typedAuthorization.set(endpoint, typed);
      typed.catch(() => typedAuthorization.delete(endpoint));
    }
    return typed;
  }
  throw new XmgrError(
    "usage",
    "No Authorization value for muc_kick.",
    "Set XMGR_MUC_KICK_AUTH, give --auth-file FILE, or add muc_kick_auth_file to the config file.",
  );
}

/** HTTP when asked for, or when any muc_kick setting (URL, server, Authorization value) is configured; else XMPP. */
export function kickVia(settings: Settings, options: KickOptions): "xmpp" | "http" {
  if (options.via !== undefined) {
    if (options.via !== "xmpp" && options.via !== "http") throw usageError(`Invalid --via ${JSON.stringify(options.via)}: use xmpp or http.`);
    return options.via;
  }
  const configured =
    settings.pick(options.url, "XMGR_MUC_KICK_URL", "muc_kick_url") ??
    settings.pick(options.httpServer, "XMGR_MUC_KICK_SERVER", "muc_kick_server") ??
    options.authFile ??
    settings.pick(undefined, "XMGR_MUC_KICK_AUTH", "muc_kick_auth") ??
    settings.pick(undefined, "XMGR_MUC_KICK_AUTH", "muc_kick_auth_file");
  return configured === undefined ? "xmpp" : "http";
}

/** Not a moderator there: what the server needs, and what works instead. */
function notModerator(room: string, account: string, joined: boolean, dialect: Dialect): XmgrError {
  if (dialect.mucAdmin !== "adhoc") {
    // Not Prosody: no component_admins_as_room_owners to point at, and a ban goes as the plain muc#admin set.
    return new XmgrError(
      "refused",
      `${account} is not a moderator in ${room}, and a room takes a kick only from a moderator${joined ? "" : " (xmgr did not join)"}.`,
      `Ask an owner of the room to kick, or ban instead: xmgr muc ban ${room} JID.`,
    );
  }
  return new XmgrError(
    "refused",
    `${account} is not a moderator in ${room}, and Prosody takes a kick only from a moderator in the room${joined ? "" : " (xmgr did not join)"}. ` +
      `A server admin joins as an owner only where the MUC component sets component_admins_as_room_owners = true; without it, ban instead: xmgr muc ban ${room} JID (status 301, works without it).`,
    adminsAsOwnersHint(serviceOf(room)),
  );
}

export async function kickOverXmpp(sessions: SessionSource, output: Output, roomText: string, nickname: string, reasonText: string | undefined, nickOption: string | undefined): Promise<void> {
  const roomJid = parseRoom(roomText);
  const target = checkNickname(nickname);
  const reason = checkReason(reasonText);
  await sessions.use(async ({ session, login, account, dialect }) => {
    const ownNick = checkNickname(nickOption ?? login.local);
    if (ownNick === target) throw usageError(`${target} is the nickname xmgr would join with.`, "Choose another one for xmgr with --nick.");
    // Whoever may read the admin list is an owner or admin there, so a moderator once joined: ask before being seen.
    const probe = await session.request(affiliationListRequest(roomJid, "admin"));
    if (probe.attrs.type === "error") {
      const error = readStanzaError(probe);
      if (error.condition === "forbidden") throw notModerator(roomJid, account, false, await dialect());
      throw roomFailure(error, roomJid, { message: `${roomJid} refused to show its admins` });
    }
    const joined = await joinRoom(session, roomJid, ownNick);
    try {
      if (joined.role !== "moderator") throw notModerator(roomJid, account, true, await dialect());
      const answer = await session.request(kickRequest(roomJid, target, reason));
      if (answer.attrs.type === "error") {
        const error = readStanzaError(answer);
        const { mucUnknownNickAs, hints } = await dialect();
        if (error.condition === "item-not-found" || error.condition === mucUnknownNickAs) {
          throw new XmgrError("notFound", `Nobody with the nickname ${target} is in ${roomJid}.`, "Nicknames are case-sensitive.");
        }
        if (error.condition === "not-allowed") {
          const why = hints.kickNotAllowed ?? (error.text ? `the server says: ${error.text}.` : "the server gave no reason.");
          throw new XmgrError("refused", `${roomJid} did not let ${account} kick ${target} (not-allowed): ${why}`);
        }
        throw roomFailure(error, roomJid, { message: `${roomJid} refused the kick` });
      }
    } finally {
      await leaveRoom(session, roomJid, ownNick);
    }
  });
  if (output.json) {
    output.jsonData({ room: roomJid, nick: target, ...(reason && { reason }), kicked: true, via: "xmpp" });
    return;
  }
  output.ok(`Kicked ${target} from ${roomJid}`);
}

export default defineCommand<{ room: string; nick: string; reason?: string }, KickOptions>({
  section: "muc",
  name: "kick",
  summary: "kick an occupant out of a room (over XMPP, or mod_http_muc_kick over HTTP)",
  details:
    "Over XMPP (the default when no muc_kick setting is configured, or --via xmpp), xmgr joins the room as your account, kicks the occupant as a moderator and leaves: " +
    "everyone in the room sees you join and leave. The occupant gets status 307 with your nickname and the reason. " +
    "Prosody allows that only where your account is a moderator in the room: a server admin is one only where the MUC component sets component_admins_as_room_owners = true. " +
    "Elsewhere xmgr refuses without joining; muc ban works there. On ejabberd a server admin joins as a moderator. " +
    "Over HTTP (--via http, or whenever --url, --http-server, --auth-file or their settings are configured) it POSTs to mod_http_muc_kick: no XMPP login and no join.",
  args: [
    { name: "room", kind: "room", help: "the room's JID, e.g. room@chat.example.com" },
    { name: "nick", kind: "nick", help: "the occupant's nickname" },
    { name: "reason", kind: "text", optional: true, help: "why; the occupant sees it" },
  ],
  options: [
    { long: "--via", value: "xmpp|http", help: "how: join and kick over XMPP, or mod_http_muc_kick over HTTP (default: http when a muc_kick setting is configured, else xmpp)" },
    { long: "--nick", value: "NICK", help: "over XMPP: the nickname xmgr joins with (default: your account's user part)" },
    { long: "--url", value: "URL", help: "the muc_kick endpoint (default https://ROOM-DOMAIN:5281/muc_kick; env XMGR_MUC_KICK_URL)" },
    { long: "--http-server", value: "HOST[:PORT]", help: "connect here instead of the URL's host; Host and certificate name still come from the URL (env XMGR_MUC_KICK_SERVER)" },
    { long: "--auth-file", value: "FILE", file: true, help: "read the Authorization value from the first line of FILE (mode 600; env XMGR_MUC_KICK_AUTH holds it directly)" },
    { long: "--allow-plain-http", help: "allow sending the Authorization value over http:// to a host that is not loopback" },
  ],
  examples: [
    "xmgr muc kick room@rooms.example.com Bob 'Spamming'",
    "XMGR_MUC_KICK_AUTH='Basic YWRtaW46czNjcmV0' xmgr muc kick room@chat.example.com Bob 'Spamming'",
    "xmgr muc kick --via http --url https://example.com/ --auth-file ~/.config/xmgr/kick-auth room@chat.example.com Bob",
  ],
  transport: "xmpp",
  kept: false,
  batch: "alone",
  run: ({ settings, output, sessions }, { room, nick, reason }, options) =>
    kickVia(settings, options) === "http" ? kick(settings, output, room, nick, reason, options) : kickOverXmpp(sessions, output, room, nick, reason, options.nick),
});
