// xmgr server shutdown [REASON] [--delay SECONDS]: shuts the server down over admin#shutdown,
// then checks what really happened. Prosody 13.0.1 closes its listeners after the delay but its
// ad-hoc shutdown then fails ("Not running in an async context"): the process keeps running and
// open sessions stay connected (shared/protocol/admin/README.md). xmgr says so instead of "OK".
import { XmgrError, usageError } from "../../errors.js";
import { KNOWN_COMMANDS, SHUTDOWN_DELAYS } from "../../protocol/admin-forms.js";
import { pingRequest } from "../../protocol/ping.js";
import { NOT_IN_XML } from "../../protocol/xml-chars.js";
import { infoText, runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { needsOperator } from "../refusal-texts.js";
import { sleep, waitUntilRefused } from "./listener-check.js";

interface ShutdownOptions {
  delay?: string;
  skipCheck?: boolean;
}

/** How long after the delay the listeners may take to close before xmgr calls it a failure. */
const GRACE_MS = 10_000;

function checkedDelay(delay: string | undefined): string {
  const value = delay ?? "5";
  if (!SHUTDOWN_DELAYS.includes(value)) {
    // Prosody 13.0.1 answers any other value with a traceback and no reply at all.
    throw usageError(`Invalid --delay ${JSON.stringify(value)}: the server offers only ${SHUTDOWN_DELAYS.join(", ")} seconds.`);
  }
  return value;
}

function checkedReason(reason: string | undefined): string | undefined {
  if (reason === undefined || reason.trim() === "") return undefined;
  if (NOT_IN_XML.test(reason) || reason.length > 4000) throw usageError("Invalid reason: it must be under 4000 characters XML can carry.");
  return reason;
}

interface Check {
  acceptsConnections: boolean;
  sessionOpen: boolean;
}

export default defineCommand<{ reason?: string }, ShutdownOptions>({
  section: "server",
  name: "shutdown",
  summary: "shut the server down, then check that it did",
  details:
    "REASON goes to the online users with the server's 'Server is shutting down' message. After the delay xmgr checks that the server refuses new connections and closed this session; Prosody 13.0.1 leaves its process and open sessions running (exit 1, with what to do). Needs the operator role.",
  args: [{ name: "reason", kind: "text", optional: true, help: "the message online users get (quote it)" }],
  options: [
    { long: "--delay", value: "SECONDS", help: `seconds before the server goes down: ${SHUTDOWN_DELAYS.join(", ")} (default 5)` },
    { long: "--skip-check", help: "do not wait for the delay to check what happened" },
  ],
  examples: ['xmgr server shutdown "Back in 10 minutes" --delay 60', "xmgr server shutdown --yes"],
  transport: "xmpp",
  batch: "alone",
  destructive: (_args, options) => ({
    action: `Shut down the XMPP server you are logged in to in ${checkedDelay(options.delay)} s, disconnecting every user`,
  }),
  async run({ sessions, output }, { reason }, options) {
    const delay = checkedDelay(options.delay);
    const announcement = checkedReason(reason);
    const report = await sessions.use(async ({ session, login, account }) => {
      const to = login.domain;
      const address = session.peerAddress;
      const answer = await runAdhoc(session, {
        to,
        ...KNOWN_COMMANDS.shutdown,
        values: { delay: [delay], ...(announcement && { announcement: [announcement] }) },
        forbidden: needsOperator(account, "shut down the server"),
      });
      const serverSays = infoText(answer);
      output.ok(`${serverSays || "The server accepted the shutdown"} (in ${delay} s)`);
      if (options.skipCheck || !address) return { host: to, delay: Number(delay), serverSays, check: undefined };
      output.ok(`Waiting ${delay} s to check that it did…`);
      await sleep(Math.max(0, Number(delay) * 1000 - 500));
      const refused = await waitUntilRefused(address.host, address.port, Date.now() + 500 + GRACE_MS);
      // Still logged in? A complete shutdown closes every session; Prosody 13.0.1's does not.
      const sessionOpen = session.isOpen && (await session.request(pingRequest(to)).then(() => true, () => false));
      const check: Check = { acceptsConnections: !refused, sessionOpen };
      return { host: to, delay: Number(delay), serverSays, check };
    });
    const complete = report.check ? !report.check.acceptsConnections && !report.check.sessionOpen : undefined;
    if (output.json) output.jsonData({ ...report, ...(complete !== undefined && { complete }) });
    if (!report.check) return;
    if (report.check.acceptsConnections) {
      throw new XmgrError("failure", `${report.host} still accepts connections ${report.delay + GRACE_MS / 1000} s after the shutdown it announced.`, "Check the server's log; stop it on its machine if it must go down.");
    }
    if (report.check.sessionOpen) {
      throw new XmgrError(
        "failure",
        `${report.host} refuses new connections, but its process still runs and kept this session open (Prosody 13.0.1's ad-hoc shutdown is incomplete).`,
        "Stop it on its machine (systemctl stop prosody, or prosodyctl stop): until then, users already logged in stay connected.",
      );
    }
    output.ok(`${report.host} has shut down: it refuses new connections and closed this session.`);
  },
});
