// xmgr server shutdown [REASON] [--delay SECONDS]: shuts the server down over admin#shutdown
// (ejabberd: its `running nodes/NODE/shutdown`, whose form gives the delays), then checks what
// really happened. Prosody 13.0.1 closes its listeners after the delay but its
// ad-hoc shutdown then fails ("Not running in an async context"): the process keeps running and
// open sessions stay connected (shared/protocol/admin/README.md). xmgr says so instead of "OK".
import { XmgrError, usageError } from "../../errors.js";
import { KNOWN_COMMANDS, SHUTDOWN_DELAYS } from "../../protocol/admin-forms.js";
import { checkCommandAnswer, commandsDiscoRequest, complete as completeCommand, execute, parseCommandAnswer, parseCommandList, type CommandAnswer } from "../../protocol/adhoc.js";
import { submitForm } from "../../protocol/data-form.js";
import type { Dialect } from "../../protocol/dialects/dialect.js";
import { EJABBERD_SHUTDOWN_DELAYS } from "../../protocol/dialects/ejabberd.js";
import { dialectFor } from "../server-dialect.js";
import { pingRequest } from "../../protocol/ping.js";
import { NOT_IN_XML } from "../../protocol/xml-chars.js";
import { cancelQuietly, infoText, runAdhoc } from "../adhoc-call.js";
import { defineCommand } from "../define.js";
import { shutdownAction } from "../adhoc/destructive-nodes.js";
import { needsOperatorOn } from "../refusal-texts.js";
import { sleep, waitUntilRefused } from "./listener-check.js";

interface ShutdownOptions {
  delay?: string;
  skipCheck?: boolean;
}

/** How long after the delay the listeners may take to close before xmgr calls it a failure. */
const GRACE_MS = 10_000;

/** --delay as given: a whole number of seconds (which ones the server offers is checked once logged in). */
function givenDelay(delay: string | undefined): string | undefined {
  if (delay !== undefined && !/^\d{1,6}$/.test(delay)) throw usageError(`Invalid --delay ${JSON.stringify(delay)}: give a whole number of seconds.`);
  return delay;
}

/**
 * The delay to send: the one given, which must be one the server offers (Prosody 13.0.1 answers
 * any other value with a traceback and no reply at all), or 5 s, or else the shortest offered above it.
 */
function checkedDelay(delay: string | undefined, offered: readonly string[], software: string | undefined): string {
  if (delay === undefined) {
    if (offered.length === 0 || offered.includes("5")) return "5";
    return offered.find((value) => Number(value) >= 5) ?? offered[0];
  }
  if (offered.length > 0 && !offered.includes(delay)) {
    throw usageError(`Invalid --delay ${JSON.stringify(delay)}: ${software ?? "the server"} offers only ${offered.join(", ")} seconds.`);
  }
  return delay;
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
    "REASON goes to the online users with the server's 'Server is shutting down' message. After the delay xmgr checks that the server refuses new connections and closed this session; Prosody 13.0.1 leaves its process and open sessions running (exit 1, with what to do). Needs the operator role (ejabberd: an admin with the `configure` access rule).",
  args: [{ name: "reason", kind: "text", optional: true, help: "the message online users get (quote it)" }],
  options: [
    { long: "--delay", value: "SECONDS", help: `seconds before the server goes down: Prosody ${SHUTDOWN_DELAYS.join(", ")}; ejabberd ${EJABBERD_SHUTDOWN_DELAYS.join(", ")} (default 5, or the shortest above it)` },
    { long: "--skip-check", help: "do not wait for the delay to check what happened" },
  ],
  examples: ['xmgr server shutdown "Back in 10 minutes" --delay 60', "xmgr server shutdown --yes"],
  transport: "xmpp",
  batch: "alone",
  destructive: (_args, options) => shutdownAction(undefined, givenDelay(options.delay)),
  // Checked again against the delays the server's form offers, where it has one (ejabberd).
  beforeConfirming: (_args, options, dialect) => void checkedDelay(givenDelay(options.delay), dialect.shutdownDelays ?? [], dialect.software),
  async run({ sessions, output }, { reason }, options) {
    const wanted = givenDelay(options.delay);
    const announcement = checkedReason(reason);
    let hints: Dialect["hints"] | undefined;
    const report = await sessions.use(async (loggedIn) => {
      const { session, login, account } = loggedIn;
      const to = login.domain;
      const address = session.peerAddress;
      const dialect = await dialectFor(loggedIn, "server shutdown");
      hints = dialect.hints;
      const forbidden = needsOperatorOn(dialect, account, "shut down the server");
      let delay: string;
      let answer: CommandAnswer;
      if (dialect.shutdownNode) {
        // ejabberd: the Erlang node's own command, found in the command list; its form says which delays it takes.
        const node = dialect.shutdownNode(parseCommandList(await session.request(commandsDiscoRequest(to))).map((item) => item.node));
        if (!node) throw new XmgrError("refused", `${to} offers ${account} no shutdown command.`, dialect.hints.admin);
        const context = { to, node, forbidden };
        const first = checkCommandAnswer(parseCommandAnswer(await session.request(execute(to, node))), context);
        if (first.status !== "executing" || !first.form) throw new XmgrError("failure", `${to} did not send the form of ${node}.`);
        try {
          delay = checkedDelay(wanted, first.form.fields.find((field) => field.var === "delay")?.options.map((option) => option.value) ?? [], dialect.software);
          const form = submitForm(first.form, { delay: [delay], ...(announcement && { announcement: [announcement] }) });
          answer = checkCommandAnswer(parseCommandAnswer(await session.request(completeCommand(to, node, first.sessionid ?? "", form))), context);
        } catch (error) {
          await cancelQuietly(session, to, node, first.sessionid);
          throw error;
        }
      } else {
        const command = dialect.commands.shutdown ?? KNOWN_COMMANDS.shutdown;
        delay = checkedDelay(wanted, dialect.shutdownDelays ?? [], dialect.software);
        answer = await runAdhoc(session, { to, ...command, values: { delay: [delay], ...(announcement && { announcement: [announcement] }) }, forbidden });
      }
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
        `${report.host} refuses new connections, but its process still runs and kept this session open${hints?.incompleteShutdown ?? ""}.`,
        `${hints?.stop ?? "Stop it on its machine"}: until then, users already logged in stay connected.`,
      );
    }
    output.ok(`${report.host} has shut down: it refuses new connections and closed this session.`);
  },
});
