// A request to a host the server does not serve goes to server-to-server: Prosody answers
// "not-allowed" ("Communication with remote domains is not enabled") with s2s off, or
// "remote-server-not-found" ("Server-to-server connection failed…") with it on. prosodyctl says
// "No such host"; so does xmgr, for any request aimed at a host (the ad-hoc commands' too).
import { XmgrError } from "../errors.js";
import type { StanzaErrorInfo } from "./stanza-error.js";

export function noSuchHost(host: string, error: StanzaErrorInfo | undefined): XmgrError | undefined {
  const elsewhere =
    error !== undefined &&
    (["remote-server-not-found", "remote-server-timeout"].includes(error.condition) || (error.condition === "not-allowed" && /remote domains/i.test(error.text ?? "")));
  return elsewhere ? new XmgrError("notFound", `No such host: ${host} is not an active host of this server.`, "See the server's hosts with: xmgr host list") : undefined;
}
