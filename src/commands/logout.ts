// xmgr logout: forget the FAST token of this profile and account, and have the server revoke it
// by revoking xmgr's own client on the account (which also ends that session).
import { passwordResetRequired, revokeRequest } from "../protocol/manage-clients.js";
import { ProfileState } from "../config/state.js";
import type { Settings } from "../config/settings.js";
import type { Output } from "../output/output.js";
import { bare } from "../jid.js";
import { XmgrError } from "../errors.js";
import { SessionClosedError } from "../xmpp/session.js";
import { withXmppSession } from "./xmpp-session.js";
import { defineCommand } from "./define.js";

export async function logout(settings: Settings, output: Output): Promise<void> {
  const xmpp = settings.xmpp();
  const account = bare(xmpp.jid);
  const state = new ProfileState(xmpp.profile);
  if (!state.readFastToken(account)) {
    if (output.json) output.jsonData({ account, profile: xmpp.profile, tokenDeleted: false, serverRevoked: false });
    else output.ok(`No saved login for ${account} in profile ${xmpp.profile}`);
    return;
  }
  let serverRevoked = false;
  try {
    await withXmppSession(xmpp, output, async ({ session, clientId }) => {
      try {
        const answer = await session.request(revokeRequest(`client/${clientId}`));
        serverRevoked = answer.attrs.type !== "error" || passwordResetRequired(answer);
        if (!serverRevoked) output.warn("The server did not revoke the token (no manage-clients support); it expires by itself.");
      } catch (error) {
        if (!(error instanceof SessionClosedError)) throw error;
        serverRevoked = true;
      }
    });
  } catch (error) {
    if (!(error instanceof XmgrError)) throw error;
    output.warn(`Could not reach the server to revoke the token (${error.message}); it expires by itself.`);
  } finally {
    state.deleteFastToken(account);
  }
  if (output.json) output.jsonData({ account, profile: xmpp.profile, tokenDeleted: true, serverRevoked });
  else output.ok(`Logged out ${account}: the saved FAST token is deleted`);
}

export default defineCommand({
  name: "logout",
  summary: "delete this profile's saved FAST token and have the server revoke it",
  args: [],
  examples: ["xmgr logout", "xmgr --profile staging logout"],
  transport: "xmpp",
  batch: "alone",
  inShell: false,
  run: ({ settings, output }) => logout(settings, output),
});
