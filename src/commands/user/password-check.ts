// After the answer to `user create` or `user password` was lost: does the account now log in with
// the new password? A new connection of its own (the admin's may be stalled), logged in as the
// account with the password only: no FAST token asked for, nothing saved. It must offer at least
// what the admin's login pin holds for this profile, so a relay cannot downgrade it to PLAIN to
// read the new password.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { XmgrError } from "../../errors.js";
import { bare, type Jid } from "../../jid.js";
import type { Settings } from "../../config/settings.js";
import { ProfileState } from "../../config/state.js";
import { VERSION } from "../../version.js";
import { LoginRefused } from "../../xmpp/failures.js";
import type { LoginOffer } from "../../xmpp/login-pin.js";
import type { CheckVerdict } from "../lost-answer.js";

export async function passwordWorks(settings: Settings, account: Jid, password: string): Promise<CheckVerdict> {
  try {
    const xmpp = settings.xmpp();
    const state = new ProfileState(xmpp.profile);
    let pin: LoginOffer | undefined;
    let clientId: string;
    try {
      pin = state.readPin(bare(xmpp.jid));
      clientId = state.clientId();
    } catch {
      clientId = randomUUID();
    }
    const { openSession } = await import("../../xmpp/session.js");
    const session = await openSession({
      ...xmpp,
      jid: account,
      password: () => Promise.resolve(password),
      userAgent: { id: clientId, software: "xmgr", version: VERSION, device: hostname() },
      noFastToken: true,
      pin: { offer: pin, file: state.pinPath(bare(xmpp.jid)), tokenFile: state.tokenPath(bare(xmpp.jid)) },
    });
    await session.close();
    return { done: true, seen: `${bare(account)} logs in with the new password` };
  } catch (error) {
    if (error instanceof LoginRefused && error.condition === "not-authorized") return { done: false, seen: `${bare(account)} does not log in with the new password` };
    return { done: undefined, why: error instanceof XmgrError ? error.message.replace(/\.$/, "") : String((error as Error)?.message ?? error) };
  }
}
