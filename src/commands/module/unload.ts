// xmgr module unload MODULE… [HOST] [--global]: unloads modules on a host (modules#unload), or each on
// every host with --global. A module that is not loaded is a failure (exit 4).
import { defineCommand } from "../define.js";
import { changeModules, changeOptions, type ChangeOptions } from "./change.js";

export default defineCommand<{ modules: string[] }, ChangeOptions>({
  section: "module",
  name: "unload",
  summary: "unload modules on a host, or on every host with --global",
  details: "The last word is the host when it holds a dot. Needs a server admin; --global needs the operator role. A module that is not loaded fails with exit 4 (prosodyctl shell says OK and unloads nothing; xmgr says it was not loaded). On another host or a component (which has no mod_admin_adhoc), it goes through xmgr's module mod_admin_hosts on your host (operator role).",
  args: [{ name: "modules", kind: "module", variadic: true, help: "module names, then optionally the host (default: your account's host)" }],
  options: changeOptions("unload"),
  examples: ["xmgr module unload time", "xmgr module unload version time example.com", "xmgr module unload muc_mam chat.example.com", "xmgr module unload time --global"],
  transport: "xmpp",
  batch: "write",
  check: () => "xmgr module list",
  run: (context, { modules }, options) => changeModules(context, "unload", modules, options),
});
