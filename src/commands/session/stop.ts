// xmgr session stop: end the kept session of this profile and account (see man xmgr, KEPT SESSIONS).
import { defineCommand } from "../define.js";

export default defineCommand({
  section: "session",
  name: "stop",
  summary: "end the kept session of this profile and account, if there is one",
  details: "A kept session also ends by itself after its idle time (XMGR_KEEP, default 300 s), at xmgr logout, and when the server closes its stream.",
  args: [],
  examples: ["xmgr session stop", "xmgr --profile staging session stop"],
  transport: "local",
  batch: "alone",
  inShell: false,
  async run({ settings, output }) {
    const { stopKept } = await import("../../keep/stop.js");
    const stopped = await stopKept(process.argv.slice(2));
    const which = `profile ${settings.profileName}`;
    if (output.json) output.jsonData({ profile: settings.profileName, stopped });
    else output.ok(stopped ? `Stopped the kept session (${which})` : `No kept session to stop (${which})`);
  },
});
