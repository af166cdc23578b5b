// The messages of mod_admin_adhoc's refusals (auth/forbidden): it tags each command "admin"
// (prosody:admin) or "global_admin" (prosody:operator), and says the same for both.
export const needsAdmin = (account: string, what: string): string => `${account} may not ${what}: it needs a server admin.`;

export const needsOperator = (account: string, what: string): string =>
  `${account} may not ${what}: it needs the operator role (prosody:operator, which the global admins list gives).`;

/** The operator's refusal on Prosody; a server without Prosody's roles says only that a server admin is needed. */
export const needsOperatorOn = (dialect: { roles?: string }, account: string, what: string): string =>
  dialect.roles === "xmgr-module" ? needsOperator(account, what) : needsAdmin(account, what);
