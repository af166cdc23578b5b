// Revocation that is checked, never assumed. Prosody's stock mod_client_management, asked to
// revoke a client that is connected, only closes that client's session and keeps its FAST tokens
// and grant (/work/shared/protocol/README.md); a client that revokes itself gets no reply and keeps
// its token. These helpers read what access a client has left, wait until a disconnected client is
// gone from the server, and have the server delete xmgr's own FAST token (XEP-0484 `invalidate`).
import { XmgrError } from "../errors.js";
import { bare } from "../jid.js";
import { listRequest, parseClients, readStanzaError, type AuthKind, type Client } from "../protocol/manage-clients.js";
import { ProfileState } from "../config/state.js";
import type { XmppSettings } from "../config/settings.js";
import type { Output } from "../output/output.js";
import { FastTokenUnusable, type XmppSession } from "../xmpp/session.js";
import { refusal } from "./user/refusals.js";
import { stateKeeper, withXmppSession } from "./xmpp-session.js";

/** Access that revoking takes away; a password login keeps working until the password changes. */
const REVOCABLE: readonly AuthKind[] = ["fast", "grant"];

/** How often a client's disconnection is looked for: Prosody keeps a closed session up to 5 s. */
const POLL_MS = 200;

/** The accounts's clients, as `target`'s list (undefined: the logged-in account's own). */
export async function clientsOf(session: XmppSession, target: string | undefined, account: string): Promise<Client[]> {
  const answer = await session.request(listRequest(target));
  if (answer.attrs.type === "error") throw refusal(readStanzaError(answer), target ?? account, account, target === undefined);
  return parseClients(answer);
}

/** The revocable access (FAST tokens, grant) client `id` still has: none when it is no longer listed. */
export function revocableLeft(clients: Client[], id: string): AuthKind[] {
  const client = clients.find((entry) => entry.id === id);
  return client ? client.auth.filter((kind) => REVOCABLE.includes(kind)) : [];
}

/** Waits until client `id` is listed as not connected (or not at all); false if still connected at the deadline. */
export async function waitUntilDisconnected(list: () => Promise<Client[]>, id: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await list()).find((client) => client.id === id)?.connected) return true;
    if (Date.now() + POLL_MS > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export interface OwnTokenOutcome {
  /** Whether this profile held a FAST token for the account. */
  hadToken: boolean;
  /** Whether the token xmgr held no longer logs in (checked by trying it once more). */
  tokenRefused: boolean;
  /** Revocable access xmgr's client still has by the server's list (e.g. an older FAST token), if it could be read. */
  left?: AuthKind[];
  /** Why the server could not be asked (connection, TLS, ...), if so. */
  problem?: XmgrError;
  /** Whether the token file is gone now. */
  tokenDeleted: boolean;
}

/**
 * Has the server delete the FAST token this profile holds for the account: a FAST login with
 * `invalidate`, the client list read in that session, then the same token tried once more, which
 * must be refused. The token file is deleted in any case.
 */
export async function invalidateOwnToken(xmpp: XmppSettings, output: Output): Promise<OwnTokenOutcome> {
  const state = new ProfileState(xmpp.profile);
  const account = bare(xmpp.jid);
  const keep = stateKeeper(output, state.dir);
  if (!keep("could not read the FAST token", () => state.readFastToken(account), () => undefined)) return { hadToken: false, tokenRefused: false, tokenDeleted: false };
  const outcome: OwnTokenOutcome = { hadToken: true, tokenRefused: false, tokenDeleted: false };
  try {
    await withXmppSession(
      xmpp,
      output,
      async ({ session, clientId }) => {
        try {
          outcome.left = revocableLeft(await clientsOf(session, undefined, account), `client/${clientId}`);
        } catch (error) {
          if (!(error instanceof XmgrError)) throw error; // no manage-clients here: the retry below still tells
        }
      },
      { invalidateFastToken: true },
    );
    // The server deleted the token if it honours `invalidate`: it must not log in now.
    await withXmppSession(xmpp, output, async () => undefined, { invalidateFastToken: true });
  } catch (error) {
    if (error instanceof FastTokenUnusable && error.refused) outcome.tokenRefused = true;
    else if (error instanceof XmgrError) outcome.problem = error;
    else throw error;
  } finally {
    keep("could not delete the FAST token file", () => state.deleteFastToken(account), () => undefined, true);
    outcome.tokenDeleted = keep("could not read the FAST token", () => state.readFastToken(account), () => undefined) === undefined;
  }
  return outcome;
}
