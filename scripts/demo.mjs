// npm run demo: a local Prosody 13 with sample accounts, clients and a room, and xmgr's commands
// run against it so their output shows. Everything lives in a temp dir and goes away at the end.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startTestbed } from "../build/support/testbed.js";
import { loginLegacy, loginSasl2, stopAll } from "../build/support/peers.js";

const say = (text) => process.stdout.write(`\n\x1b[1m# ${text}\x1b[0m\n`.replace(/\x1b\[[0-9;]*m/g, process.stdout.isTTY ? "$&" : ""));

const tb = await startTestbed();
const home = mkdtempSync(join(tmpdir(), "xmgr-demo-"));
const peers = [];
try {
  const accounts = { admin: "admin-demo-pw", alice: "alice-demo-pw", bob: "bob-demo-pw" };
  await Promise.all(Object.entries(accounts).map(([user, password]) => tb.register(user, password)));
  peers.push(await loginSasl2(tb, { username: "alice", password: accounts.alice, userAgent: { software: "Gajim", device: "alice's laptop" } }));
  peers.push(await loginLegacy(tb, { username: "alice", password: accounts.alice, resource: "phone" }));
  await tb.createGrant("alice", accounts.alice);
  const bob = await loginSasl2(tb, { username: "bob", password: accounts.bob, userAgent: { software: "Dino", device: "bob's desktop" } });
  peers.push(bob);
  const room = `lobby@${tb.mucHost}`;
  await bob.joinRoom(room, "Bob");

  say(`Prosody 13 is running on 127.0.0.1 (c2s ${tb.c2sPort}, https ${tb.httpsPort}) for ${tb.host}; accounts: admin, alice, bob.`);
  const env = {
    PATH: `${dirname(process.execPath)}:${process.env.PATH}`, // bin/xmgr runs the node in PATH
    HOME: home,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_STATE_HOME: join(home, "state"),
    XMGR_SERVER: `127.0.0.1:${tb.c2sPort}`,
    XMGR_CA: tb.caFile,
    ...(process.env.NO_COLOR !== undefined && { NO_COLOR: process.env.NO_COLOR }),
  };
  const xmgr = (title, args, extraEnv) => {
    say(title);
    process.stdout.write(`$ xmgr ${args.map((a) => (/[\s']/.test(a) ? `'${a}'` : a)).join(" ")}\n`);
    spawnSync("bin/xmgr", args, { stdio: "inherit", env: { ...env, ...extraEnv } });
  };

  const asAdmin = { XMGR_JID: `admin@${tb.host}`, XMGR_PASSWORD: accounts.admin };

  xmgr("The admin logs in once: the account, server and CA go into the config file, the FAST token into the state folder", ["login", "--jid", `admin@${tb.host}`], { XMGR_PASSWORD: accounts.admin });
  xmgr("What the next commands use (no password needed any more)", ["whoami"]);
  xmgr("Create an account (carol alone: at the admin's own domain)", ["user", "create", "carol", "--random-password"]);
  xmgr("Who is online", ["c2s", "show"]);
  xmgr("A room", ["muc", "create", `team@${tb.mucHost}`, "--persistent", "--name", "Team"]);
  xmgr("The rooms of the MUC service", ["muc", "list", "--all", tb.mucHost]);
  // One listing, not Alice's and then the admin's: they would show the same table twice.
  xmgr("The admin lists Alice's clients: Gajim over SASL2, a legacy login, an OAuth2 grant (needs prosody/mod_admin_manage_clients.lua on the server)", ["user", "clients", `alice@${tb.host}`], asAdmin);
  const listing = spawnSync("bin/xmgr", ["--json", "user", "clients", `alice@${tb.host}`], { env: { ...env, ...asAdmin }, encoding: "utf8" });
  const grant = JSON.parse(listing.stdout).clients.find((client) => client.id.startsWith("grant/"));
  xmgr("The admin revokes Alice's OAuth2 grant", ["user", "revoke_client", `alice@${tb.host}`, grant.id], asAdmin);
  xmgr("The same as JSON, for scripts", ["--json", "user", "clients", `alice@${tb.host}`], asAdmin);

  const authFile = join(home, "muc-kick-auth");
  writeFileSync(authFile, `${tb.mucKickAuth}\n`, { mode: 0o600 });
  xmgr("The admin kicks Bob out of the lobby over HTTP (mod_http_muc_kick)", [
    "muc", "kick", "--url", `https://${tb.mucHost}:${tb.httpsPort}/muc_kick`, "--http-server", "127.0.0.1", "--auth-file", authFile, room, "Bob", "Spamming the lobby",
  ]);
  const kicked = await bob.waitForKick(room, "Bob");
  say(`Bob's client received: status ${kicked.statuses.join(", ")}, reason "${kicked.reason}".`);
} finally {
  await stopAll(...peers);
  await tb.stop();
  rmSync(home, { recursive: true, force: true });
}
