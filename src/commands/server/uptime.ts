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
  details: "Asks the host over XEP-0012 Last Activity, which Prosody's mod_uptime (ejabberd's mod_last) answers with the seconds since start; any account may ask.",
  args: [{ name: "host", kind: "host", optional: true, help: "the host to ask (default: your account's host)" }],
  examples: ["xmgr server uptime", "xmgr --json server uptime | jq .seconds"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { host }) {
    const hostFor = hostOrLogin(host);
    const [to, seconds, answeredAt] = await sessions.use(async ({ session, login, dialect }) => {
      const to = hostFor(login);
      const answer = await session.request(lastActivityRequest(to));
      // The dialect is asked only when its hint is needed.
      const missing = answer.attrs.type === "error" ? (await dialect()).hints.missingQuery?.("uptime", to) : undefined;
      return [to, parseUptimeSeconds(answer, to, missing), new Date()] as const;
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
