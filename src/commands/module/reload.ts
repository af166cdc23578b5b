// xmgr module reload MODULE… [HOST] [--global]: reloads modules on a host (modules#reload), or each on
// every host with --global. A module that is not loaded is a failure (exit 4).
import { defineCommand } from "../define.js";
import { changeModules, changeOptions, type ChangeOptions } from "./change.js";

export default defineCommand<{ modules: string[] }, ChangeOptions>({
  section: "module",
  name: "reload",
  summary: "reload modules on a host, or on every host with --global",
  details: "The last word is the host when it holds a dot. Needs a server admin; --global needs the operator role. A module that is not loaded fails with exit 4. On another host or a component (which has no mod_admin_adhoc), it goes through xmgr's module mod_admin_hosts on your host (operator role).",
  args: [{ name: "modules", kind: "module", variadic: true, help: "module names, then optionally the host (default: your account's host)" }],
  options: changeOptions("reload"),
  examples: ["xmgr module reload time", "xmgr module reload version time example.com", "xmgr module reload muc chat.example.com", "xmgr module reload time --global"],
  transport: "xmpp",
  batch: "write",
  run: (context, { modules }, options) => changeModules(context, "reload", modules, options),
});
