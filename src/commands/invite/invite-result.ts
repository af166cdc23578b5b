// What mod_invites_adhoc answers: the invite's xmpp: URI, its landing page (empty unless
// mod_invites_page is set up) and its expiry.
import { XmgrError } from "../../errors.js";
import type { CommandAnswer } from "../../protocol/adhoc.js";
import { fieldValues } from "../../protocol/data-form.js";
import type { Output } from "../../output/output.js";
import { sanitize } from "../../output/sanitize.js";
import { jsonTime } from "../../output/time.js";

export interface Invite {
  uri: string;
  landingUrl?: string;
  expires?: string;
}

export function readInvite(answer: CommandAnswer): Invite {
  const value = (name: string) => (answer.form ? fieldValues(answer.form, name)?.find((text) => text !== "") : undefined);
  const uri = value("uri");
  if (!uri?.startsWith("xmpp:")) throw new XmgrError("failure", "The server's answer holds no invite URI.");
  const landingUrl = value("landing-url");
  const expires = value("expire");
  return { uri, ...(landingUrl && { landingUrl }), ...(expires && { expires }) };
}

export function printInvite(output: Output, invite: Invite, about: Record<string, string>, what: string): void {
  if (output.json) {
    output.jsonData({ ...about, ...invite, ...(invite.expires && { expires: jsonTime(invite.expires) ?? invite.expires }) });
    return;
  }
  // The server's words: escaped like table cells (a real URI holds nothing to escape).
  output.data(sanitize(invite.uri));
  if (invite.landingUrl) output.data(sanitize(invite.landingUrl));
  output.ok(`${what}${invite.expires ? `, valid until ${invite.expires}` : ""}`);
}
