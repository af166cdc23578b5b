// xmgr logout: forget the FAST token of this profile and account, and have the server delete it.
// Success only when the server refuses that token afterwards and lists no other FAST token for
// xmgr's client: revoking xmgr's own (connected) client would only close its session.
import { ProfileState } from "../config/state.js";
import type { Settings } from "../config/settings.js";
import type { Output } from "../output/output.js";
import { bare } from "../jid.js";
import { XmgrError, exitKind } from "../errors.js";
import { invalidateOwnToken } from "./revocation.js";
import { stateKeeper } from "./xmpp-session.js";
import { defineCommand } from "./define.js";

export async function logout(settings: Settings, output: Output): Promise<void> {
  const xmpp = settings.xmpp();
  // The kept session is logged in with the token about to be revoked: it ends first.
  const { stopKept } = await import("../keep/stop.js");
  await stopKept(process.argv.slice(2));
  const account = bare(xmpp.jid);
  const state = new ProfileState(xmpp.profile);
  const keep = stateKeeper(output, state.dir);
  if (!keep("could not read the FAST token", () => state.readFastToken(account), () => undefined)) {
    if (output.json) output.jsonData({ jid: account, profile: xmpp.profile, tokenDeleted: false, serverRevoked: false });
    else output.ok(`No saved login for ${account} in profile ${xmpp.profile}`);
    return;
  }
  const clientId = keep("could not read xmgr's client id", () => state.clientId(), () => "ID");
  const outcome = await invalidateOwnToken(xmpp, output);
  const left = outcome.left ?? [];
  const serverRevoked = outcome.tokenRefused && !left.includes("fast");
  const { tokenDeleted } = outcome;
  // `left` only when the server's list was read: unknown is not "nothing".
  if (output.json) output.jsonData({ jid: account, profile: xmpp.profile, tokenDeleted, serverRevoked, ...(outcome.left && { left }) });
  if (serverRevoked && tokenDeleted) {
    output.ok(`Logged out ${account}: the saved FAST token is deleted here and the server no longer accepts it`);
    return;
  }
  if (serverRevoked) {
    throw new XmgrError("failure", "The server no longer accepts the saved FAST token, but its file could not be deleted (see the warning above).", `Delete it: rm '${state.tokenPath(account)}'`);
  }
  const revokeElsewhere = `From another client (e.g. xmgr with another --profile), run: xmgr user revoke_client ${account} client/${clientId}`;
  if (outcome.problem) {
    throw new XmgrError(
      exitKind(outcome.problem.exitCode),
      `The saved FAST token is ${outcome.tokenDeleted ? "deleted here" : "not deleted here either"}, but the server was not told (${outcome.problem.message}): the token stays valid on the server until it expires.`,
      revokeElsewhere,
    );
  }
  if (!outcome.tokenRefused) {
    throw new XmgrError(
      "failure",
      "The saved FAST token is deleted here, but the server still accepts it (it ignored XEP-0484's invalidate): it stays valid until it expires.",
      revokeElsewhere,
    );
  }
  throw new XmgrError(
    "failure",
    `The token xmgr had no longer logs in, but the server still lists a FAST token for xmgr's client client/${clientId} (one xmgr no longer has); it stays valid until it expires or the password changes.`,
    revokeElsewhere,
  );
}

export default defineCommand({
  name: "logout",
  summary: "delete this profile's saved FAST token and have the server delete it",
  args: [],
  examples: ["xmgr logout", "xmgr --profile staging logout"],
  transport: "xmpp",
  kept: false,
  batch: "alone",
  inShell: false,
  run: ({ settings, output }) => logout(settings, output),
});
