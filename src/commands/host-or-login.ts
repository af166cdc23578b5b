// The optional HOST that many commands take: checked before logging in, the login's domain when not given.
import { parseHost } from "../jid.js";

/** Given a HOST (or not), the host to address once logged in: that host, else the login's domain. */
export function hostOrLogin(host: string | undefined, what?: string): (login: { domain: string }) => string {
  const given = host === undefined ? undefined : parseHost(host, what);
  return (login) => given ?? login.domain;
}
