// What an IQ error to a plain query (version, last activity, disco, ping) means for the admin,
// with the exit code to match. Pure: no I/O.
import { XmgrError } from "../errors.js";
import type { StanzaErrorInfo } from "./stanza-error.js";

/**
 * `what`: "version requests"; `missing`: what to do when the target does not offer it
 * ("Load mod_version on example.com.").
 */
export function queryFailure(error: StanzaErrorInfo, to: string, what: string, missing?: string): XmgrError {
  const said = error.text ? ` (the server says: ${error.text})` : "";
  switch (error.condition) {
    case "service-unavailable":
    case "feature-not-implemented":
      return new XmgrError("refused", `${to} does not answer ${what}${said}.`, missing);
    case "forbidden":
    case "not-authorized":
      return new XmgrError("refused", `${to} refused ${what}${said}.`, "Log in as an account it answers (a server admin, or one with a presence subscription).");
    case "not-allowed":
    case "remote-server-not-found":
    case "remote-server-timeout":
    case "item-not-found":
    case "recipient-unavailable":
      // Prosody answers not-allowed for a domain it does not serve while s2s is off.
      return new XmgrError("notFound", `${to} is not reachable from this server: ${error.condition}${said}.`, "Check the name; a host or component must be active (xmgr host list).");
    default:
      return new XmgrError("failure", `${to} answered ${what} with ${error.condition}${said}.`);
  }
}
