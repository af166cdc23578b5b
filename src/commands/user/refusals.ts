// What a manage-clients error reply means for the admin, and what to do about it.
import { XmgrError } from "../../errors.js";
import type { StanzaErrorInfo } from "../../protocol/manage-clients.js";

export function refusal(error: StanzaErrorInfo, target: string, account: string, own: boolean): XmgrError {
  const serverSays = error.text ? ` The server says: ${error.text}` : "";
  switch (error.condition) {
    case "service-unavailable":
      return own
        ? new XmgrError("refused", "This server does not answer manage-clients requests.", "Load the community module mod_client_management (Prosody 13) on this host.")
        : new XmgrError(
            "refused",
            `This server lets an account see and manage only its own clients, so ${account} cannot manage ${target}'s.`,
            `Load mod_admin_manage_clients beside mod_client_management (README, "Server-side setup"), or log in as ${target}.`,
          );
    case "forbidden":
    case "not-authorized":
      return new XmgrError("refused", `${account} is not allowed to manage ${target}'s clients.${serverSays}`, "Log in as a server admin, or as the account itself.");
    case "item-not-found":
      return new XmgrError("notFound", `There is no account ${target} on this server.${serverSays}`);
    default:
      return new XmgrError("failure", `The server refused the request (${error.condition}).${serverSays}`);
  }
}
