// xmgr xmpp ping JID [-c COUNT]: XEP-0199 pings with round-trip times, like ping(8). A bare
// account JID is answered by its server on the account's behalf (that says nothing about the
// user being online); a full JID must be the bound one (Prosody 13 adds "~random" to resources).
import { XmgrError, usageError } from "../../errors.js";
import { parseAddress } from "../../jid.js";
import type { DialectHints } from "../../protocol/dialects/dialect.js";
import { GENERIC } from "../../protocol/dialects/generic.js";
import { parsePingAnswer, pingRequest } from "../../protocol/ping.js";
import type { StanzaErrorInfo } from "../../protocol/stanza-error.js";
import { sanitize } from "../../output/sanitize.js";
import { defineCommand } from "../define.js";
import { sleep } from "../server/listener-check.js";

interface PingOptions {
  count?: string;
  interval?: string;
}

interface Reply {
  seq: number;
  ok: boolean;
  timeMs?: number;
  /** The error condition, or "timeout". */
  error?: string;
  text?: string;
}

const UNSUPPORTED = new Set(["service-unavailable", "feature-not-implemented"]);
const NOT_THERE = new Set(["service-unavailable", "item-not-found", "recipient-unavailable", "remote-server-not-found", "not-allowed", "feature-not-implemented"]);

function positive(text: string | undefined, fallback: number, what: string, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value < min || value > max) throw usageError(`Invalid ${what} ${JSON.stringify(text)}: give a number from ${min} to ${max}.`);
  return value;
}

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

/** What to do when the target is not there; `hints`: the server's (how it binds resources). */
function notThereHint(target: string, hints: DialectHints): string | undefined {
  const slash = target.indexOf("/");
  if (slash !== -1 && target.includes("@")) {
    const resource = target.slice(slash + 1);
    if (hints.boundResource?.(resource)) return "That session is not online (or never was): the server answered for it.";
    return hints.resource(target.slice(0, slash));
  }
  return target.includes("@") ? undefined : "Check the name; with s2s off, a domain the server does not serve is not reachable (xmgr host list).";
}

export default defineCommand<{ jid: string }, PingOptions>({
  section: "xmpp",
  name: "ping",
  summary: "ping a host, component or JID and show the round-trip times",
  details:
    "Like ping(8): one line per answer, then min/avg/max. A bare account JID is answered by its server, whether or not the user is online; ping a full JID (with Prosody's ~suffix) to reach a client. Exit 0 when any ping was answered, 4 when the target is not there, 8 when nothing answered in time.",
  args: [{ name: "jid", kind: "jid", help: "a host (example.com), component, bare JID or bound full JID" }],
  options: [
    { long: "--count", short: "-c", value: "COUNT", help: "number of pings (default 1)" },
    { long: "--interval", short: "-i", value: "SECONDS", help: "seconds between pings (default 1)" },
  ],
  examples: ["xmgr xmpp ping example.com -c 3", "xmgr xmpp ping alice@example.com/phone~Xa8Lq0sz", "xmgr --json xmpp ping example.com -c 5 | jq .rtt.avg"],
  transport: "xmpp",
  batch: "read",
  // -c 1000 -i 5 runs for over an hour: started only by its own process.
  startsEarly: false,
  async run({ sessions, output }, { jid }, options) {
    const target = parseAddress(jid);
    const count = positive(options.count, 1, "--count", 1, 10_000);
    if (!Number.isInteger(count)) throw usageError(`Invalid --count ${JSON.stringify(options.count)}: give a whole number.`);
    const intervalMs = positive(options.interval, 1, "--interval", 0, 3600) * 1000;
    // Lines like ping(8)'s, holding the target and the server's error text: shown, never obeyed.
    const say = (line: string) => output.data(sanitize(line));
    const replies: Reply[] = [];
    let lastError: StanzaErrorInfo | undefined;
    const bareAccount = target.includes("@") && !target.includes("/");
    const hostTarget = !target.includes("@");
    if (!output.json) say(`PING ${target}`);
    let hints: DialectHints = GENERIC.hints;
    await sessions.use(async ({ session, dialect }) => {
      for (let seq = 1; seq <= count; seq++) {
        if (seq > 1) await sleep(intervalMs);
        // Node's global performance, not an import of node:perf_hooks, which would load at every start.
        const started = performance.now();
        let reply: Reply;
        try {
          const answer = parsePingAnswer(await session.request(pingRequest(target)), target);
          const timeMs = Math.round((performance.now() - started) * 1000) / 1000;
          if (answer.ok) reply = { seq, ok: true, timeMs };
          else if (hostTarget && UNSUPPORTED.has(answer.error.condition)) {
            // A host or component that says it does not support pings has answered: it is up.
            reply = { seq, ok: true, timeMs, error: answer.error.condition };
          } else {
            lastError = answer.error;
            reply = { seq, ok: false, error: answer.error.condition, ...(answer.error.text && { text: answer.error.text }) };
          }
        } catch (error) {
          if (!(error instanceof XmgrError) || error.exitCode !== 8) throw error;
          reply = { seq, ok: false, error: "timeout" };
        }
        replies.push(reply);
        if (output.json) continue;
        if (reply.ok) say(`${reply.error ? `${reply.error} ` : ""}reply from ${target}: seq=${seq} time=${ms(reply.timeMs!)} ms`);
        else if (reply.error === "timeout") say(`no answer from ${target}: seq=${seq}`);
        else say(`error from ${target}: seq=${seq} ${reply.error}${reply.text ? ` (${reply.text})` : ""}`);
      }
      // A full JID that was not there: how this server binds resources (the dialect asked only then).
      if (target.includes("/") && !replies.some((reply) => reply.ok)) hints = (await dialect()).hints;
    });
    const times = replies.flatMap((reply) => (reply.timeMs === undefined ? [] : [reply.timeMs]));
    const received = times.length;
    const loss = Math.round(((count - received) / count) * 100);
    const average = Math.round((times.reduce((sum, time) => sum + time, 0) / Math.max(received, 1)) * 1000) / 1000;
    const rtt = received ? { min: Math.min(...times), avg: average, max: Math.max(...times) } : null;
    if (output.json) {
      output.jsonData({ jid: target, sent: count, received, loss, rtt, answeredByServer: bareAccount, replies });
    } else {
      say(`--- ${target} ping statistics ---`);
      say(`${count} sent, ${received} received, ${loss}% loss`);
      if (rtt) say(`rtt min/avg/max = ${ms(rtt.min)}/${ms(rtt.avg)}/${ms(rtt.max)} ms`);
    }
    if (received > 0) {
      if (replies.some((reply) => reply.ok && reply.error)) output.warn(`${target} is up, but it answers XMPP pings with an error: it does not support XEP-0199.`);
      if (bareAccount) output.warn(`${target} is a bare JID: its server answered on the account's behalf, which says nothing about whether the user is online. Ping a full JID to reach a client.`);
      return;
    }
    if (replies.every((reply) => reply.error === "timeout")) throw new XmgrError("timeout", `No answer from ${target}.`, "Some servers and clients answer nothing to a ping they cannot deliver; try a larger --timeout.");
    const condition = lastError?.condition ?? "an error";
    throw new XmgrError(NOT_THERE.has(condition) ? "notFound" : "failure", `${target} is not reachable: ${condition}${lastError?.text ? ` (${lastError.text})` : ""}.`, notThereHint(target, hints));
  },
});
