// Running one ad-hoc command over the logged-in session, the way every admin command of xmgr
// does: single stage where the server allows it (the filled form goes with the execute: one round
// trip), the form fetched first where it does not (announce), and a session that a failure left
// open cancelled. The answer comes back checked (src/protocol/adhoc.ts): refusals and error
// notes are thrown as XmgrErrors, with the exit codes the caller chose.
import type { XmppSession } from "../xmpp/session.js";
import { cancel, checkCommandAnswer, complete, execute, parseCommandAnswer, type AnswerContext, type CommandAnswer } from "../protocol/adhoc.js";
import { declaredForm, submitForm, type FieldSpec } from "../protocol/data-form.js";

export interface AdhocRequest extends Omit<AnswerContext, "to" | "node"> {
  /** The host JID for mod_admin_adhoc's commands, the MUC component's for the MUC ones. */
  to: string;
  node: string;
  /** The fields the command takes, as the server's form declares them: sent with the execute. */
  fields?: readonly FieldSpec[];
  /** The form's FORM_TYPE, when it has one (http://jabber.org/protocol/admin for XEP-0133). */
  formType?: string;
  values?: Readonly<Record<string, readonly string[]>>;
  /** Fetch the form first: for commands that ignore a form sent with the execute (admin#announce). */
  twoStage?: boolean;
  /** Execute with no form: for commands that refuse any form sent with the execute (ejabberd's lists). */
  bare?: boolean;
}

export const ADMIN_FORM_TYPE = "http://jabber.org/protocol/admin";

export async function runAdhoc(session: XmppSession, request: AdhocRequest): Promise<CommandAnswer> {
  const { to, node } = request;
  const values = request.values ?? {};
  const context: AnswerContext = { to, node, forbidden: request.forbidden, errorNote: request.errorNote, stanzaError: request.stanzaError };
  const first = request.fields && !request.twoStage && !request.bare ? { form: submitForm(declaredForm(request.fields, request.formType), values) } : {};
  let answer = checkCommandAnswer(parseCommandAnswer(await session.request(execute(to, node, first))), context);
  if (answer.status !== "executing") return answer;
  // The server wants a form filled in (a command without fields, or one that ignored ours).
  const sessionid = answer.sessionid ?? "";
  try {
    const form = submitForm(answer.form ?? declaredForm([]), values);
    answer = checkCommandAnswer(parseCommandAnswer(await session.request(complete(to, node, sessionid, form))), context);
  } catch (error) {
    await cancelQuietly(session, to, node, sessionid);
    throw error;
  }
  return answer;
}

/** Ends a command session left open; a failure to do so changes nothing for the caller. */
export async function cancelQuietly(session: XmppSession, to: string, node: string, sessionid: string | undefined): Promise<void> {
  if (!sessionid || !session.isOpen) return;
  await session.request(cancel(to, node, sessionid)).catch(() => undefined);
}

/** The info notes' text, trimmed, one per line. */
export function infoText(answer: CommandAnswer): string {
  return answer.notes
    .filter((note) => note.type !== "error")
    .map((note) => note.text.trim())
    .filter(Boolean)
    .join("\n");
}
