// xmgr login: the first run's workflow. Takes the account, server and CA from the options (or asks
// on a terminal), logs in to check them (which saves the FAST token, src/commands/xmpp-session.ts),
// and only then writes them into the profile's section of the config file. The password is never
// written there: later runs log in with the FAST token.
import { resolve } from "node:path";
import { saveProfileKeys, expandHome, type ProfileSettings } from "../config/config-file.js";
import { Settings } from "../config/settings.js";
import { ProfileState } from "../config/state.js";
import { parseServerAddress } from "../config/server-address.js";
import { usageError } from "../errors.js";
import { bare, parseBareJid } from "../jid.js";
import type { Output } from "../output/output.js";
import { jsonTime } from "../output/time.js";
import { defineCommand, type Prompts } from "./define.js";
import { withXmppSession } from "./xmpp-session.js";

/** Asks for one setting when it was not given: the configured value is the default answer. */
async function ask(prompts: Prompts, question: string, current: string | undefined, blankMeans?: string): Promise<string | undefined> {
  const hint = current ? ` [${current}]` : blankMeans ? ` (blank: ${blankMeans})` : "";
  const answer = (await prompts.line(`${question}${hint}: `)).trim();
  return answer || current;
}

export async function login(settings: Settings, output: Output, prompts: Prompts): Promise<void> {
  const options = settings.options;
  const env = settings.env;
  const configured = new Settings(options, env, true).profile;
  const given = (option: string | undefined, variable: string) => option ?? (env[variable] || undefined);
  let jid = given(options.jid, "XMGR_JID");
  let server = given(options.server, "XMGR_SERVER");
  let ca = given(options.ca, "XMGR_CA");
  if (prompts.canAsk) {
    jid ??= await ask(prompts, "Account (user@domain)", configured.jid);
    server ??= await ask(prompts, "Server (HOST[:PORT], xmpps://HOST[:PORT])", configured.server, "found from the domain's DNS");
    ca ??= await ask(prompts, "CA or self-signed certificate to trust (PEM file)", configured.ca, "the system's CAs");
  } else {
    jid ??= configured.jid;
    server ??= configured.server;
    ca ??= configured.ca;
  }
  if (!jid) throw usageError("No account to log in as.", "Give --jid admin@example.com (or run xmgr login on a terminal: it asks).");
  const account = bare(parseBareJid(jid, "login JID"));
  if (server) parseServerAddress(server);
  const caPath = ca ? resolve(expandHome(ca, env)) : undefined;
  const checked = new Settings({ ...options, jid: account, server, ca: caPath }, env, true);
  await withXmppSession(checked.xmpp(), output, async () => undefined);

  const saved: ProfileSettings = { jid: account, server, ca: caPath };
  const path = saveProfileKeys(settings.profileName, saved, env);
  const token = new ProfileState(settings.profileName, env).readFastToken(account);
  if (output.json) {
    output.jsonData({ profile: settings.profileName, configFile: path, jid: account, server: server ?? null, ca: caPath ?? null, fastToken: token ? { mechanism: token.mechanism, expiry: jsonTime(token.expiry) ?? null } : null });
    return;
  }
  output.ok(`Logged in as ${account}; profile ${settings.profileName} saved in ${path} (jid${server ? ", server" : ""}${caPath ? ", ca" : ""}; no password)`);
  output.ok(
    token
      ? `The server gave a FAST token (${token.mechanism}): the next runs log in without the password until it expires. Check with: xmgr whoami`
      : "The server gave no FAST token: the next runs need the password again (XMGR_PASSWORD, password_file in the config file, or a prompt).",
  );
}

export default defineCommand({
  name: "login",
  summary: "log in once: check the account, server and CA, save them in the config file's profile",
  details:
    "On a terminal it asks for what --jid, --server and --ca (or XMGR_JID, XMGR_SERVER, XMGR_CA) do not give, then the password; elsewhere it needs --jid. " +
    "It writes jid, server and ca (never the password) into the profile's section of the config file (--profile, default [default]) only after the login worked; " +
    "the server's FAST token is saved in the state folder, so later runs need no password. xmgr logout deletes the token.",
  args: [],
  examples: ["xmgr login", "xmgr login --jid admin@example.com --server xmpp.example.com --ca ~/example-ca.pem", "xmgr --profile staging login"],
  transport: "xmpp",
  batch: "alone",
  inShell: false,
  // It asks questions, logs in with what they say, and writes the config file: never in a kept session.
  kept: false,
  run: ({ settings, output, prompts }) => login(settings, output, prompts),
});
