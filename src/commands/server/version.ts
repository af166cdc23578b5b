// xmgr server version [HOST]: the server software, its version and OS (XEP-0092, mod_version).
import { parseVersion, versionRequest } from "../../protocol/version.js";
import { sanitize } from "../../output/sanitize.js";
import { defineCommand } from "../define.js";
import { hostOrLogin } from "../host-or-login.js";

export default defineCommand<{ host?: string }>({
  section: "server",
  name: "version",
  summary: "show the server's software, version and operating system",
  details: "Asks the host over XEP-0092 (mod_version); any account may ask.",
  args: [{ name: "host", kind: "host", optional: true, help: "the host or component to ask (default: your account's host)" }],
  examples: ["xmgr server version", "xmgr --json server version | jq -r .version"],
  transport: "xmpp",
  batch: "read",
  async run({ sessions, output }, { host }) {
    const hostFor = hostOrLogin(host);
    const [to, version] = await sessions.use(async ({ session, login, dialect }) => {
      const to = hostFor(login);
      const answer = await session.request(versionRequest(to));
      // The dialect is asked only when its hint is needed.
      const missing = answer.attrs.type === "error" ? (await dialect()).hints.missingQuery?.("version", to) : undefined;
      return [to, parseVersion(answer, to, missing)] as const;
    });
    if (output.json) {
      output.jsonData({ host: to, ...version });
      return;
    }
    // The server's own words: shown, never obeyed by the terminal.
    output.data(sanitize(`${version.name} ${version.version}${version.os ? ` on ${version.os}` : ""}`));
  },
});
