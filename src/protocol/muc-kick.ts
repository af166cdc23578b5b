// mod_http_muc_kick: the POST /muc_kick request and what each of its answers means. Pure: no I/O.
import { XmgrError } from "../errors.js";
import { clip } from "../output/secrets.js";

export interface KickRequest {
  nickname: string;
  muc: string;
  reason?: string;
}

export function kickBody(request: KickRequest): string {
  return JSON.stringify(request.reason ? request : { nickname: request.nickname, muc: request.muc });
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
  /** The Location header of a redirect (never followed). */
  location?: string;
}

/** The server's {"error": "…"} text, when the body is that JSON. */
function jsonError(answer: HttpAnswer): string | undefined {
  if (!/^application\/json\b/i.test(answer.contentType)) return undefined;
  try {
    const parsed: unknown = JSON.parse(answer.body);
    const error = (parsed as { error?: unknown } | null)?.error;
    return typeof error === "string" && error.length > 0 ? clip(error, 500) : undefined;
  } catch {
    return undefined;
  }
}

/** The message of another API's JSON error, {"status":"error","message":"…"} (ejabberd's mod_http_api), which mod_http_muc_kick never sends. */
function apiError(answer: HttpAnswer): string | undefined {
  if (!/^application\/json\b/i.test(answer.contentType)) return undefined;
  try {
    const parsed = JSON.parse(answer.body) as { status?: unknown; message?: unknown } | null;
    return parsed?.status === "error" && typeof parsed.message === "string" ? clip(parsed.message, 200) : undefined;
  } catch {
    return undefined;
  }
}

/** Returns nothing when the occupant was kicked; throws the XmgrError that explains anything else. */
export function checkKickAnswer(answer: HttpAnswer, request: KickRequest, url: string): void {
  const serverSays = jsonError(answer);
  const { status } = answer;
  if (status === 200 && answer.body.trim() === "") return;
  if (status === 200) {
    throw new XmgrError("failure", `The server answered 200 with a body mod_http_muc_kick never sends; the kick may not have happened.`, "Check that --url reaches mod_http_muc_kick itself, not a login page or another service.");
  }
  if (status >= 300 && status < 400) {
    throw new XmgrError(
      "failure",
      `The server redirects (HTTP ${status})${answer.location ? ` to ${clip(answer.location, 500)}` : ""}; xmgr does not follow redirects, so that the Authorization value goes nowhere else.`,
      "If that is the muc_kick endpoint, give it with --url.",
    );
  }
  if (status === 401 || status === 403) {
    throw new XmgrError(
      "auth",
      `The server refused the Authorization value (HTTP ${status}): it does not match http_muc_kick_authorization_header.`,
      "Set XMGR_MUC_KICK_AUTH, --auth-file or muc_kick_auth to the exact configured value (e.g. \"Basic …\").",
    );
  }
  if (status === 404 && serverSays) {
    throw new XmgrError("notFound", `No such room ${request.muc}: ${serverSays}.`, "Check the room's JID (room@muc.example.com).");
  }
  const apiSays = apiError(answer);
  if (status === 404 && apiSays !== undefined) {
    // Another HTTP API's "no such endpoint" (ejabberd's mod_http_api answers {"status":"error","message":"Endpoint not found.","code":40}).
    throw new XmgrError(
      "refused",
      `${url} is an HTTP API without a MUC kick (HTTP 404: ${apiSays}); kick over XMPP instead: xmgr muc kick --via xmpp ${request.muc} NICK.`,
    );
  }
  if (status === 404) {
    throw new XmgrError(
      "notFound",
      `Nothing serves /muc_kick at ${url} for that Host.`,
      "Point --url (or --http-server) at the HTTP port that serves mod_http_muc_kick for the room's domain, or kick over XMPP with --via xmpp.",
    );
  }
  if (status === 400 && serverSays && /item-not-found/.test(serverSays)) {
    throw new XmgrError("notFound", `Nobody with the nickname ${request.nickname} is in ${request.muc}.`, "Nicknames are case-sensitive.");
  }
  if (status === 400) {
    throw new XmgrError("failure", `The server rejected the kick (HTTP 400)${serverSays ? `: ${serverSays}` : ""}.`);
  }
  if (status >= 500) {
    throw new XmgrError("failure", `The server failed (HTTP ${status})${serverSays ? `: ${serverSays}` : ""}.`, "See the server's log for the cause.");
  }
  throw new XmgrError("failure", `Unexpected answer from the server: HTTP ${status}${serverSays ? `: ${serverSays}` : ""}.`);
}
