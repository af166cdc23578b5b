// xmgr server uptime [HOST]: how long the server has been running (XEP-0012 to the host, mod_uptime).
import { lastActivityRequest, parseUptimeSeconds } from "../../protocol/last-activity.js";
import { readableDuration, utcText } from "../../output/duration.js";
import { jsonTime } from "../../output/time.js";
import { defineCommand } from "../define.js";
import { hostOrLogin } from "../host-or-login.js";

export default defineCommand<{ host?: string }>({
  section: "server",
  name: "uptime",
  summary: "show how long the server has been running, and since when",
  details: "Asks the host over XEP-0012 Last Activity, which mod_uptime answers with the seconds since start; any account may ask.",
  args: [{ name: "host", kind: "host", optional: true, help: "the host to ask (default: your account's host)" }],
  examples: ["xmgr server uptime", "xmgr --json server uptime | jq .seconds"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { host }) {
    const hostFor = hostOrLogin(host);
    const [to, seconds, answeredAt] = await sessions.use(async ({ session, login }) => {
      const to = hostFor(login);
      const answer = await session.request(lastActivityRequest(to));
      return [to, parseUptimeSeconds(answer, to), new Date()] as const;
    });
    const since = new Date(answeredAt.getTime() - seconds * 1000);
    since.setUTCMilliseconds(0);
    if (output.json) {
      output.jsonData({ host: to, seconds, since: jsonTime(since) });
      return;
    }
    output.data(`${to} has been running for ${readableDuration(seconds)} (since ${utcText(since)})`);
  },
});
