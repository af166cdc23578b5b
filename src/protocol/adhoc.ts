// XEP-0050 ad-hoc commands as Prosody 13 speaks them (facts: shared/protocol/admin/README.md):
// the requests, the command list, reading an answer and judging it. Pure: no I/O.
import type { Element } from "@xmpp/xml";
import xml from "@xmpp/xml";
import { AdhocFailure, XmgrError, type ExitCodeName } from "../errors.js";
import { NS_DATA, parseForm, type DataForm, type SubmitForm } from "./data-form.js";
import { readStanzaError, type StanzaErrorInfo } from "./stanza-error.js";
import { noSuchHost } from "./no-such-host.js";

export const NS_COMMANDS = "http://jabber.org/protocol/commands";
const NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items";

export type CommandStatus = "executing" | "completed" | "canceled";
export type CommandAction = "execute" | "next" | "prev" | "complete" | "cancel";
export type NoteType = "info" | "warn" | "error";

export interface Note {
  type: NoteType;
  text: string;
}

export interface CommandAnswer {
  /** Absent when the answer holds no <command/> (an IQ error alone, e.g. service-unavailable). */
  status?: CommandStatus;
  sessionid?: string;
  node?: string;
  /** The action `execute` stands for, and the actions the next stage allows. */
  actions: { execute?: CommandAction; allowed: CommandAction[] };
  notes: Note[];
  form?: DataForm;
  /** Foreign elements in the <command/> or inside its form, e.g. get-user-roster's jabber:iq:roster query. */
  payloads: Element[];
  /** Set on an IQ error; Prosody sends a canceled <command/> with an error note beside it. */
  stanzaError?: StanzaErrorInfo;
}

export interface CommandItem {
  node: string;
  /** Empty when the server gives none. */
  name: string;
  jid: string;
}

const STATUSES: readonly string[] = ["executing", "completed", "canceled"];
const ACTIONS: readonly string[] = ["execute", "next", "prev", "complete", "cancel"];
const NOTE_TYPES: readonly string[] = ["info", "warn", "error"];

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function commandRequest(to: string, node: string, action: CommandAction, sessionid?: string, form?: SubmitForm): Element {
  return xml("iq", { type: "set", to }, xml("command", { xmlns: NS_COMMANDS, node, action, ...(sessionid && { sessionid }) }, form));
}

/** Starts a command; with a filled form, every mod_admin_adhoc command completes in this one round trip. */
export function execute(to: string, node: string, options: { form?: SubmitForm; sessionid?: string } = {}): Element {
  return commandRequest(to, node, "execute", options.sessionid, options.form);
}

// next and complete must carry a form: Prosody 13 answers a complete without one with a traceback
// and no reply at all.
export const next = (to: string, node: string, sessionid: string, form: SubmitForm): Element => commandRequest(to, node, "next", sessionid, form);

export const complete = (to: string, node: string, sessionid: string, form: SubmitForm): Element =>
  commandRequest(to, node, "complete", sessionid, form);

/** Ends a session left open (by a failure or Ctrl-C); without a sessionid Prosody would just send the form again. */
export const cancel = (to: string, node: string, sessionid: string): Element => commandRequest(to, node, "cancel", sessionid);

export function commandsDiscoRequest(to: string): Element {
  return xml("iq", { type: "get", to }, xml("query", { xmlns: NS_DISCO_ITEMS, node: NS_COMMANDS }));
}

/** The commands a disco#items answer lists (only those the requester may run, on Prosody). */
export function parseCommandList(iq: Element): CommandItem[] {
  const from = str(iq.attrs.from) ?? "the server";
  if (iq.attrs.type === "error") throw stanzaFailure(readStanzaError(iq), from, "the list of ad-hoc commands");
  const query = iq.getChild("query", NS_DISCO_ITEMS);
  if (iq.attrs.type !== "result" || !query) {
    throw new XmgrError("failure", `The answer from ${from} to the command list is not a disco#items result.`);
  }
  return query.getChildren("item").flatMap((item) => {
    const node = str(item.attrs.node);
    return node ? [{ node, name: str(item.attrs.name) ?? "", jid: str(item.attrs.jid) ?? from }] : [];
  });
}

/** Reads a command answer (an IQ result or error); throws only when it is neither or lacks a <command/>. */
export function parseCommandAnswer(iq: Element): CommandAnswer {
  const type = iq.attrs.type;
  const command = iq.getChild("command", NS_COMMANDS);
  if ((type !== "result" && type !== "error") || (type === "result" && !command)) {
    throw new XmgrError("failure", `The server's answer to an ad-hoc command is not a command result (type ${JSON.stringify(str(type) ?? "")}).`);
  }
  const answer: CommandAnswer = { actions: { allowed: [] }, notes: [], payloads: [] };
  if (type === "error") answer.stanzaError = readStanzaError(iq);
  if (!command) return answer;
  const status = str(command.attrs.status);
  if (status !== undefined && STATUSES.includes(status)) answer.status = status as CommandStatus;
  const sessionid = str(command.attrs.sessionid);
  const node = str(command.attrs.node);
  if (sessionid !== undefined) answer.sessionid = sessionid;
  if (node !== undefined) answer.node = node;
  for (const child of command.getChildElements()) {
    if (child.name === "x" && child.attrs.xmlns === NS_DATA && !answer.form) {
      answer.form = parseForm(child);
      answer.payloads.push(...answer.form.payloads);
    } else if (child.name === "note") {
      const noteType = str(child.attrs.type) ?? "";
      answer.notes.push({ type: (NOTE_TYPES.includes(noteType) ? noteType : "info") as NoteType, text: child.text() });
    } else if (child.name === "actions") {
      const execute = str(child.attrs.execute);
      if (execute !== undefined && ACTIONS.includes(execute)) answer.actions.execute = execute as CommandAction;
      answer.actions.allowed = child.getChildElements().flatMap((action) => (ACTIONS.includes(action.name) ? [action.name as CommandAction] : []));
    } else if (child.attrs.xmlns !== NS_COMMANDS) {
      answer.payloads.push(child);
    }
  }
  return answer;
}

export interface AnswerContext {
  /** The JID and node the request went to, for the messages. */
  to: string;
  node: string;
  /** Replaces the message of a refusal (auth/forbidden); the hint still says an admin is needed. */
  forbidden?: string;
  /** Maps the text of the error notes (possibly empty) to an error; by default a failure (exit 1) with the text. */
  errorNote?: (text: string) => XmgrError | undefined;
  /** Maps an IQ error to the error the command means by it (ejabberd's conflict: the account exists); by default see stanzaFailure. */
  stanzaError?: (error: StanzaErrorInfo) => XmgrError | undefined;
}

/** Returns the answer when the command went through (or waits for a form); throws the XmgrError that explains anything else. */
export function checkCommandAnswer(answer: CommandAnswer, context: AnswerContext): CommandAnswer {
  if (answer.stanzaError) throw context.stanzaError?.(answer.stanzaError) ?? stanzaFailure(answer.stanzaError, context.to, context.node, context.forbidden);
  const errors = answer.notes.filter((note) => note.type === "error");
  if (errors.length === 0) return answer;
  const text = errors.map((note) => note.text.trim()).filter((line) => line !== "").join("\n");
  throw (
    context.errorNote?.(text) ??
    (text === "" ? new AdhocFailure("failure", (what) => `${context.to} refused ${what} without saying why.`, context.node) : new XmgrError("failure", text))
  );
}

/**
 * The hint of an admin command refused: Prosody's words (its dialect's hints.admin). Errors raised in
 * a command's session get the login's server's own hint instead (serverWordedSessions).
 */
export const ADMIN_HINT = "It needs a server admin: log in as an account in Prosody's admins list (or with the prosody:admin role; some commands need prosody:operator).";

/** What an IQ error about an ad-hoc request means for the user, with the exit code to match. */
function stanzaFailure(error: StanzaErrorInfo, to: string, node: string, forbidden?: string): XmgrError {
  const said = error.text ? `: ${error.text}` : "";
  const failure = (kind: ExitCodeName, say: (what: string) => string, hint?: string) => new AdhocFailure(kind, say, node, hint);
  const elsewhere = noSuchHost(to, error);
  if (elsewhere) return elsewhere;
  switch (error.condition) {
    case "forbidden":
    case "not-authorized":
      return forbidden !== undefined ? new XmgrError("refused", forbidden, ADMIN_HINT) : failure("refused", (what) => `${to} refused ${what}${said}.`, ADMIN_HINT);
    case "service-unavailable":
    case "feature-not-implemented":
      return failure(
        "refused",
        (what) => `${to} does not offer ${what}${said}.`,
        "Admin commands are at the host's JID, MUC ones at the MUC component's; check that mod_adhoc is loaded there and the node is right.",
      );
    case "item-not-found":
      return failure("notFound", (what) => `Not found: ${what} at ${to}${said}.`);
    case "not-allowed":
      return failure("refused", (what) => `${to} does not allow ${what}${said}.`);
    default:
      return failure("failure", (what) => `${to} answered ${error.condition}${error.application ? ` (${error.application})` : ""} to ${what}${said}.`);
  }
}
