// xmgr whoami: what the next run would log in with, read from the options, XMGR_* variables, the
// config file and the state folder; nothing is sent to the server.
import { statSync } from "node:fs";
import { configPath } from "../config/config-file.js";
import { ProfileState } from "../config/state.js";
import { usageError } from "../errors.js";
import { bare, parseBareJid } from "../jid.js";
import { readableDuration, utcText } from "../output/duration.js";
import { jsonTime } from "../output/time.js";
import { defineCommand } from "./define.js";

export default defineCommand({
  name: "whoami",
  aliases: ["status"],
  summary: "show the profile, account, server and saved login the next command will use",
  details: "Reads the options, XMGR_* variables, the config file and the saved FAST token; it does not connect. Without an account it fails (exit 2) and says to run xmgr login.",
  args: [],
  examples: ["xmgr whoami", "xmgr --profile staging whoami", "xmgr --json whoami"],
  transport: "local",
  batch: "read",
  inShell: false,
  async run({ settings, output }) {
    const jidText = settings.pick(settings.options.jid, "XMGR_JID", "jid");
    const profile = settings.profileName;
    if (!jidText) throw usageError(`No account configured for profile ${profile}.`, `Run: xmgr${profile === "default" ? "" : ` --profile ${profile}`} login`);
    const account = bare(parseBareJid(jidText, "login JID"));
    const server = settings.pick(settings.options.server, "XMGR_SERVER", "server");
    const ca = settings.pick(settings.options.ca, "XMGR_CA", "ca");
    const state = new ProfileState(profile, settings.env);
    const token = state.readFastToken(account);
    const savedAt = token ? statSync(state.tokenPath(account)).mtime : undefined;
    const expiry = token && !Number.isNaN(Date.parse(token.expiry)) ? new Date(token.expiry) : undefined;
    const valid = expiry !== undefined && expiry > new Date();
    if (output.json) {
      output.jsonData({
        profile,
        configFile: configPath(settings.env),
        jid: account,
        server: server ?? null,
        ca: ca ?? null,
        fastToken: token ? { mechanism: token.mechanism, saved: jsonTime(savedAt), expiry: jsonTime(expiry) ?? null, valid } : null,
      });
      return;
    }
    const ageSeconds = savedAt ? (Date.now() - savedAt.getTime()) / 1000 : 0;
    const lines = [
      ["Profile", `${profile} (${configPath(settings.env)})`],
      ["Account", account],
      ["Server", server ?? `found from the DNS of ${account.slice(account.lastIndexOf("@") + 1)}`],
      ["CA", ca ?? "the system's CAs"],
      [
        "Login",
        token
          ? `FAST token ${token.mechanism}, saved ${readableDuration(ageSeconds)} ago, ${expiry ? `${valid ? "valid until" : "expired"} ${utcText(expiry)}` : "its expiry unreadable"}`
          : "no saved FAST token: the next run needs the password (xmgr login saves one)",
      ],
    ];
    output.data(lines.map(([key, value]) => `${`${key}:`.padEnd(9)}${value}`).join("\n"));
  },
});
