// Downgrade pinning: the strongest login a server has offered an account (SASL2, SCRAM with
// channel binding, FAST with channel binding) is remembered per profile and account; a later
// offer with less is refused before anything secret is sent. An interceptor with a certificate
// xmgr trusts could otherwise strip those offers and collect the password with PLAIN.
import { XmgrError } from "../errors.js";

export interface LoginOffer {
  sasl2: boolean;
  scramPlus: boolean;
  fastBound: boolean;
}

const NAMES: Record<keyof LoginOffer, string> = {
  sasl2: "SASL2",
  scramPlus: "SCRAM with channel binding (-PLUS)",
  fastBound: "FAST with channel binding",
};

/** The strongest of both: what a pin becomes after a login with `offer`. */
export function strongest(pin: LoginOffer | undefined, offer: LoginOffer): LoginOffer {
  return {
    sasl2: Boolean(pin?.sasl2) || offer.sasl2,
    scramPlus: Boolean(pin?.scramPlus) || offer.scramPlus,
    fastBound: Boolean(pin?.fastBound) || offer.fastBound,
  };
}

/** What the pin has that the offer lacks. */
export function missing(pin: LoginOffer | undefined, offer: LoginOffer): string[] {
  if (!pin) return [];
  return (Object.keys(NAMES) as (keyof LoginOffer)[]).filter((key) => pin[key] && !offer[key]).map((key) => NAMES[key]);
}

/** Refuses an offer weaker than the pin. `pinFile` is named in the message: deleting it resets the pin. */
export function checkOffer(options: { pin?: LoginOffer; offer: LoginOffer; account: string; service: string; pinFile: string }): void {
  const lacking = missing(options.pin, options.offer);
  if (lacking.length === 0) return;
  throw new XmgrError(
    "tls",
    `Refusing to log in: ${options.service} no longer offers ${lacking.join(", ")}, which it offered ${options.account} before; someone on the path may be stripping them to capture the password. Nothing secret was sent.`,
    `If the server's configuration really changed, reset the pin: rm '${options.pinFile}'`,
  );
}

/** PLAIN where xmgr holds a FAST token: the server that issued it offered better before. */
export function plainRefused(service: string, tokenFile: string): XmgrError {
  return new XmgrError(
    "tls",
    `Refusing to send the password with PLAIN to ${service}: xmgr holds a FAST token for this account, so this server offered better before; someone on the path may be stripping it. Nothing secret was sent.`,
    `If the server's configuration really changed, delete the token (xmgr logout, or rm '${tokenFile}') and log in again.`,
  );
}
