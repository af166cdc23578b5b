import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import type { Element } from "@xmpp/xml";
import xml from "@xmpp/xml";
import { ExitCode, XmgrError, inCommandWords } from "../../src/errors.js";
import {
  cancel,
  checkCommandAnswer,
  commandsDiscoRequest,
  complete,
  execute,
  next,
  NS_COMMANDS,
  parseCommandAnswer,
  parseCommandList,
  type CommandAnswer,
} from "../../src/protocol/adhoc.js";
import { declaredForm, NS_DATA, submitForm, type DataForm } from "../../src/protocol/data-form.js";
import { canonical, exchanges, type Exchange } from "../support/admin-transcripts.js";

const all = exchanges();
const isCommand = (exchange: Exchange) => exchange.stanza.getChild("command", NS_COMMANDS) !== undefined;
const answers = all.filter((exchange) => exchange.direction === "RECV" && isCommand(exchange));
const requests = all.filter((exchange) => exchange.direction === "SEND" && isCommand(exchange));
const find = (file: string, id: string, direction: "SEND" | "RECV" = "RECV") =>
  all.find((exchange) => exchange.file === file && exchange.stanza.attrs.id === id && exchange.direction === direction)!.stanza;
const answerOf = (file: string, id: string) => parseCommandAnswer(find(file, id));
/** The request a transcript answer replies to: the last SEND with its id before it (in 04 and 06 the log has one answer before its request). */
function requestOf(answer: Exchange): Element {
  const sends = all.filter((exchange) => exchange.direction === "SEND" && exchange.file === answer.file && exchange.stanza.attrs.id === answer.stanza.attrs.id);
  return (sends.filter((send) => all.indexOf(send) < all.indexOf(answer)).at(-1) ?? sends[0]).stanza;
}

function failure(run: () => unknown): XmgrError {
  try {
    run();
  } catch (error) {
    if (error instanceof XmgrError) return error;
    throw error;
  }
  throw new Error("expected an XmgrError");
}

describe("parseCommandAnswer on every answer of the transcripts", () => {
  const parsed = answers.map((exchange) => ({ exchange, answer: parseCommandAnswer(exchange.stanza) }));

  test("the transcripts hold 193 command answers: 40 executing, 131 completed, 22 canceled", () => {
    const count = (status: string) => parsed.filter(({ answer }) => answer.status === status).length;
    expect([parsed.length, count("executing"), count("completed"), count("canceled")]).toEqual([193, 40, 131, 22]);
  });

  test("each answer names the node its request ran, and every result carries a sessionid", () => {
    for (const { exchange, answer } of parsed) {
      const sent = requestOf(exchange).getChild("command", NS_COMMANDS)!;
      expect(answer.node).toBe(sent.attrs.node);
      if (exchange.stanza.attrs.type === "result") expect(answer.sessionid).toMatch(/\S/);
    }
  });

  test("each executing answer holds a form to fill and offers next and complete, execute meaning complete", () => {
    for (const { answer } of parsed.filter(({ answer }) => answer.status === "executing")) {
      expect(answer.form?.type).toBe("form");
      expect(answer.actions).toEqual({ execute: "complete", allowed: ["next", "complete"] });
    }
  });

  test("each IQ error reads as both the forbidden stanza error and the canceled command with its error note", () => {
    const errors = parsed.filter(({ exchange }) => exchange.stanza.attrs.type === "error");
    expect(errors).toHaveLength(13);
    for (const { answer } of errors) {
      const text = "You don't have permission to execute this command";
      expect(answer.stanzaError).toEqual({ condition: "forbidden", text });
      expect(answer.status).toBe("canceled");
      expect(answer.notes).toEqual([{ type: "error", text }]);
    }
  });

  test("a single-stage add-user reads as completed with its info note", () => {
    expect(answerOf("02-add-user.xml", "c3")).toEqual({
      status: "completed",
      sessionid: "073b19cf-ab5d-4fdf-9693-ff7285643c16",
      node: "http://jabber.org/protocol/admin#add-user",
      actions: { allowed: [] },
      notes: [{ type: "info", text: "Account successfully created" }],
      payloads: [],
    });
  });

  test("an error note keeps its line break", () => {
    expect(answerOf("02-add-user.xml", "c5").notes).toEqual([{ type: "error", text: "Invalid data.\nPassword mismatch, or empty username" }]);
  });

  test("get-user-roster: the result form and the roster query embedded in it", () => {
    const answer = answerOf("07-get-user-roster.xml", "c44");
    expect(answer.form?.fields.map((field) => field.var)).toEqual(["FORM_TYPE", "accountjid", "roster"]);
    expect(answer.payloads).toHaveLength(1);
    const roster = answer.payloads[0];
    expect(roster.attrs.xmlns).toBe("jabber:iq:roster");
    expect(roster.getChildren("item").map((item) => item.attrs.jid)).toEqual(["bob@example.test", "carol@example.test"]);
    expect(roster.getChildren("item")[0].getChildren("group").map((group) => group.text())).toEqual(["Work", "Friends"]);
  });

  test("hosts#activate's failure: canceled with an empty error note", () => {
    const answer = answerOf("16-hosts.xml", "c126");
    expect(answer.status).toBe("canceled");
    expect(answer.notes).toEqual([{ type: "error", text: "" }]);
  });

  test("a bare service-unavailable (no <command/>) reads as the stanza error alone", () => {
    const answer = parseCommandAnswer(find("14-session-semantics.xml", "c110"));
    expect(answer).toEqual({ actions: { allowed: [] }, notes: [], payloads: [], stanzaError: { condition: "service-unavailable" } });
  });

  test("a result without <command/> and a non-IQ answer are failures (exit 1)", () => {
    expect(failure(() => parseCommandAnswer(xml("iq", { type: "result" }))).exitCode).toBe(ExitCode.failure);
    expect(failure(() => parseCommandAnswer(xml("iq", { type: "set" }, xml("command", { xmlns: NS_COMMANDS })))).exitCode).toBe(ExitCode.failure);
  });
});

describe("checkCommandAnswer", () => {
  const context = { to: "example.test", node: "http://jabber.org/protocol/admin#add-user" };

  test("an info note or a form to fill is a success: the answer comes back", () => {
    const done = answerOf("02-add-user.xml", "c3");
    expect(checkCommandAnswer(done, context)).toBe(done);
    const form = answerOf("02-add-user.xml", "c1");
    expect(checkCommandAnswer(form, context)).toBe(form);
  });

  test("an error note is a failure (exit 1) with the server's text", () => {
    const error = failure(() => checkCommandAnswer(answerOf("02-add-user.xml", "c4"), context));
    expect(error.exitCode).toBe(ExitCode.failure);
    expect(error.message).toBe("Account already exists");
  });

  test("the caller may map an error note, e.g. to not found", () => {
    const errorNote = (text: string) => (text === "User does not exist" ? new XmgrError("notFound", "No such account.") : undefined);
    const mapped = failure(() => checkCommandAnswer(answerOf("07-get-user-roster.xml", "c47"), { ...context, errorNote }));
    expect([mapped.exitCode, mapped.message]).toEqual([ExitCode.notFound, "No such account."]);
    const unmapped = failure(() => checkCommandAnswer(answerOf("07-get-user-roster.xml", "c48"), { ...context, errorNote }));
    expect(unmapped.exitCode).toBe(ExitCode.failure);
    expect(unmapped.message).toContain("other.test");
  });

  test("an empty error note says the server gave no reason", () => {
    const error = failure(() => checkCommandAnswer(answerOf("16-hosts.xml", "c126"), { to: "example.test", node: "http://prosody.im/protocol/hosts#activate" }));
    expect(error.exitCode).toBe(ExitCode.failure);
    expect(error.message).toBe("example.test refused the command http://prosody.im/protocol/hosts#activate without saying why.");
  });

  test("a failure that names the node says the xmgr command instead where it is known (issue 23), except for adhoc run", () => {
    const empty = failure(() => checkCommandAnswer(answerOf("16-hosts.xml", "c126"), { to: "example.test", node: "http://prosody.im/protocol/hosts#activate" }));
    const named = inCommandWords(empty, "host activate") as XmgrError;
    expect([named.exitCode, named.message]).toEqual([ExitCode.failure, "example.test refused xmgr host activate without saying why."]);
    const refused = failure(() => checkCommandAnswer(answerOf("15-non-admin.xml", "c115"), context));
    const namedRefusal = inCommandWords(refused, "user create") as XmgrError;
    expect([namedRefusal.exitCode, namedRefusal.hint]).toEqual([ExitCode.refused, refused.hint]);
    expect(namedRefusal.message).toMatch(/^example\.test refused xmgr user create: You don't have permission/);
    // adhoc run: the node is what was typed, so it stays.
    expect(inCommandWords(refused, "adhoc run")).toBe(refused);
    // Anything else is left as it is.
    const other = new XmgrError("notFound", "No such account.");
    expect(inCommandWords(other, "user info")).toBe(other);
  });

  test("forbidden is refused (exit 5) with the server's text and a hint that a server admin is needed", () => {
    const error = failure(() => checkCommandAnswer(answerOf("15-non-admin.xml", "c115"), context));
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(error.message).toContain("You don't have permission to execute this command");
    expect(error.hint).toMatch(/server admin/);
  });

  test("the caller may replace the refusal's message", () => {
    const error = failure(() => checkCommandAnswer(answerOf("15-non-admin.xml", "c115"), { ...context, forbidden: "Only an admin can add accounts." }));
    expect([error.exitCode, error.message]).toEqual([ExitCode.refused, "Only an admin can add accounts."]);
  });

  test("service-unavailable (no such node, or not at that JID) is refused with where commands live", () => {
    const error = failure(() => checkCommandAnswer(parseCommandAnswer(find("14-session-semantics.xml", "c110")), { to: "example.test", node: "http://jabber.org/protocol/admin#nope" }));
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(error.message).toBe("example.test does not offer the command http://jabber.org/protocol/admin#nope.");
    expect(error.hint).toMatch(/host's JID/);
  });

  test.each([
    ["item-not-found", ExitCode.notFound],
    ["not-allowed", ExitCode.refused],
    ["bad-request", ExitCode.failure],
  ])("%s gives exit %d", (condition, code) => {
    const iq = xml("iq", { type: "error" }, xml("error", { type: "cancel" }, xml(condition, { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })));
    expect(failure(() => checkCommandAnswer(parseCommandAnswer(iq), context)).exitCode).toBe(code);
  });
});

describe("the command list", () => {
  test("commandsDiscoRequest is what the transcript sent", () => {
    const sent = find("01-disco-commands-bob.xml", "items1", "SEND");
    expect(canonical(commandsDiscoRequest("example.test"))).toEqual(canonical(sent, ["id"]));
  });

  test("parseCommandList reads the admin's list, bob's two commands, and the MUC service's empty list", () => {
    const admin = parseCommandList(find("01-disco-commands-admin.xml", "items1"));
    expect(admin.length).toBeGreaterThan(20);
    expect(admin).toContainEqual({ node: "http://jabber.org/protocol/admin#add-user", name: "Add User", jid: "example.test" });
    expect(parseCommandList(find("01-disco-commands-bob.xml", "items1"))).toEqual([
      { node: "uptime", name: "Get uptime", jid: "example.test" },
      { node: "urn:xmpp:invite#invite", name: "Create new contact invite", jid: "example.test" },
    ]);
    expect(parseCommandList(find("01-disco-commands-bob.xml", "items2"))).toEqual([]);
  });

  test("an IQ error is the XmgrError for its condition", () => {
    const iq = xml("iq", { type: "error", from: "example.test" }, xml("error", { type: "auth" }, xml("forbidden", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })));
    expect(failure(() => parseCommandList(iq)).exitCode).toBe(ExitCode.refused);
  });
});

describe("requests, built as the transcripts sent them", () => {
  // Probes of the server that xmgr never sends: no action attribute, an <x type="form"/>, a
  // complete without a form (the type system forbids it), a cancel without a sessionid.
  const PROBES = [
    "02-add-user.xml nofttype",
    "14-session-semantics.xml ftform",
    "14-session-semantics.xml c106",
    "14-session-semantics.xml c114",
    "14-session-semantics.xml c104",
  ];
  // Values submitForm refuses before sending, each a deliberate probe of the server's own checks.
  const REFUSED: Record<string, string> = {
    "02-add-user.xml c6": "accountjid is required",
    "02-add-user.xml c7": 'accountjid: "bad@@jid" is not a valid JID',
    "03-change-user-password.xml c18": "password is required",
    "04-delete-user.xml c24": "accountjids is required",
    "04-delete-user.xml c25": 'accountjids: "bad@@jid" is not a valid JID',
    "09-get-online-users-list.xml c57": 'max_items cannot be "1"',
    "09-get-online-users-list.xml c59": 'max_items cannot be "abc"',
    "09-get-online-users-list.xml c60": 'details must be true or false (1 or 0), not "yes"',
    "10-announce.xml c65": "announcement is required",
    "12-modules.xml c81": 'modules cannot be "no_such_module_xyz"',
    "12-modules.xml c85": 'modules cannot be "no_such_module_xyz"',
    "12-modules.xml c90": 'module cannot be "no_such_module_xyz"',
    "13-invites.xml c99": 'accountjid: "bad@@jid" is not a valid JID',
    "18-shutdown.xml c4": 'delay cannot be "abc"',
    "37-muc-adhoc-set-affiliation-admins-as-owners.xml c5": 'affiliation cannot be "king"',
    "37-muc-adhoc-set-affiliation.xml c5": 'affiliation cannot be "king"',
    "38-muc-adhoc-destroy-admins-as-owners.xml c9": 'rooms cannot be "nosuchroom@chat.example.test"',
    "38-muc-adhoc-destroy.xml c9": 'rooms cannot be "nosuchroom@chat.example.test"',
  };

  /** The form the server gave for a node: the last one before the request in its transcript, else any. */
  function serverForm(request: Exchange, node: string): DataForm | undefined {
    const forms = answers
      .map((exchange) => ({ exchange, answer: parseCommandAnswer(exchange.stanza) }))
      .filter(({ answer }) => answer.node === node && answer.form?.type === "form");
    const sameFile = forms.filter(({ exchange }) => exchange.file === request.file);
    const chosen = sameFile.filter(({ exchange }) => all.indexOf(exchange) < all.indexOf(request)).at(-1) ?? sameFile[0] ?? forms[0];
    if (!chosen) return undefined;
    // As a command declares it: the hidden FORM_TYPE kept, no defaults.
    const form = chosen.answer.form!;
    return { ...form, fields: form.fields.map((field) => (field.type === "hidden" ? field : { ...field, values: [] })) };
  }

  function build(request: Exchange): Element | string {
    const { to } = request.stanza.attrs;
    const command = request.stanza.getChild("command", NS_COMMANDS)!;
    const { node, action, sessionid } = command.attrs;
    const x = command.getChild("x", NS_DATA);
    if (action === undefined || (x && x.attrs.type !== "submit") || (action === "cancel" && !sessionid) || ((action === "complete" || action === "next") && !x)) {
      return "probe";
    }
    let form;
    if (x) {
      const fields = x.getChildren("field").filter((field) => field.attrs.var !== "FORM_TYPE");
      const values = Object.fromEntries(fields.map((field) => [field.attrs.var, field.getChildren("value").map((value) => value.text())]));
      const declared = declaredForm(
        fields.map((field) => ({ var: field.attrs.var, type: field.getChildren("value").length > 1 ? "text-multi" : "text-single" })),
        x.getChildren("field").find((field) => field.attrs.var === "FORM_TYPE")?.getChildText("value") ?? undefined,
      );
      form = submitForm(serverForm(request, node) ?? declared, values);
    }
    if (action === "execute") return execute(to, node, { form, sessionid });
    if (action === "cancel") return cancel(to, node, sessionid);
    return action === "complete" ? complete(to, node, sessionid, form!) : next(to, node, sessionid, form!);
  }

  test("every request is built exactly as sent, attribute order and iq id aside, except the probes", () => {
    const probes: string[] = [];
    const refused: Record<string, string> = {};
    let built = 0;
    for (const request of requests) {
      const key = `${request.file} ${request.stanza.attrs.id}`;
      try {
        const element = build(request);
        if (element === "probe") probes.push(key);
        else {
          expect({ key, element: canonical(element as Element, ["id"]) }).toEqual({ key, element: canonical(request.stanza, ["id"]) });
          built += 1;
        }
      } catch (error) {
        if (!(error instanceof XmgrError)) throw error;
        refused[key] = error.message;
      }
    }
    expect(probes.sort()).toEqual([...PROBES].sort());
    expect(Object.keys(refused).sort()).toEqual(Object.keys(REFUSED).sort());
    for (const [key, message] of Object.entries(refused)) expect(message).toContain(REFUSED[key]);
    expect(built).toBe(requests.length - PROBES.length - Object.keys(REFUSED).length);
    expect(built).toBeGreaterThan(150);
  });

  test("the server answered every refused request with an error note, or not at all (shutdown's bad delay)", () => {
    const silent: string[] = [];
    for (const key of Object.keys(REFUSED)) {
      const [file, id] = key.split(" ");
      const reply = all.find((exchange) => exchange.file === file && exchange.direction === "RECV" && exchange.stanza.attrs.id === id);
      if (!reply) silent.push(key);
      else if (!parseCommandAnswer(reply.stanza).notes.some((note) => note.type === "error")) silent.push(`${key} (no error note)`);
    }
    // Where Prosody is looser than the form it sent: an unknown max_items means "no limit", an
    // unloaded module is an info note, a missing announcement still sends, unknown rooms are skipped.
    expect(silent.sort()).toEqual(
      [
        "09-get-online-users-list.xml c57 (no error note)",
        "09-get-online-users-list.xml c59 (no error note)",
        "10-announce.xml c65 (no error note)",
        "12-modules.xml c81 (no error note)",
        "12-modules.xml c85 (no error note)",
        "12-modules.xml c90 (no error note)",
        "18-shutdown.xml c4",
        "38-muc-adhoc-destroy-admins-as-owners.xml c9 (no error note)",
        "38-muc-adhoc-destroy.xml c9 (no error note)",
      ].sort(),
    );
  });

  test("complete and next cannot be built without a form", () => {
    // @ts-expect-error: the form is required (Prosody 13 never answers a complete without one)
    const missing = () => complete("example.test", "node", "session");
    // @ts-expect-error: a plain element is not a checked submit form
    const unchecked = () => next("example.test", "node", "session", xml("x", { xmlns: NS_DATA, type: "submit" }));
    expect([typeof missing, typeof unchecked]).toEqual(["function", "function"]);
  });
});

// Random trees of elements with the names and attributes of command answers, and garbage.
const NAMES = ["iq", "command", "x", "field", "value", "option", "note", "actions", "next", "complete", "error", "forbidden", "text", "reported", "item", "title", "required", "query", "junk"];
const NAMESPACES = [undefined, NS_COMMANDS, NS_DATA, "urn:ietf:params:xml:ns:xmpp-stanzas", "jabber:iq:roster", "odd"];
const ATTRS = ["type", "status", "node", "sessionid", "var", "label", "execute", "action", "jid", "name", "from"];
const VALUES = ["result", "error", "executing", "completed", "canceled", "form", "submit", "info", "warn", "error", "complete", "list-multi", "boolean", "jid-single", "", "\u0000", "x"];

const element: fc.Arbitrary<Element> = fc.letrec<{ element: Element }>((tie) => ({
  element: fc
    .tuple(
      fc.constantFrom(...NAMES),
      fc.constantFrom(...NAMESPACES),
      fc.dictionary(fc.constantFrom(...ATTRS), fc.oneof(fc.constantFrom(...VALUES), fc.string())),
      fc.array(fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.string(), tie("element")), { maxLength: 5 }),
    )
    .map(([name, xmlns, attrs, children]) => xml(name, { ...attrs, xmlns }, ...children)),
})).element;

const answerIq = fc
  .tuple(fc.constantFrom("result", "error", "set", "weird"), fc.array(element, { maxLength: 4 }), fc.array(element, { maxLength: 4 }))
  .map(([type, inCommand, beside]) => xml("iq", { type, from: "example.test" }, ...beside, xml("command", { xmlns: NS_COMMANDS }, ...inCommand)));

describe("fast-check: parsing never throws anything but an XmgrError", () => {
  const parsesOrRefuses = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof XmgrError)) throw error;
    }
  };

  test("parseCommandAnswer and checkCommandAnswer on random answers", () => {
    fc.assert(
      fc.property(fc.oneof(answerIq, element), (iq) => {
        parsesOrRefuses(() => {
          const answer: CommandAnswer = parseCommandAnswer(iq);
          checkCommandAnswer(answer, { to: "example.test", node: "n" });
        });
      }),
      { numRuns: 500 },
    );
  });

  test("parseCommandList on random answers", () => {
    fc.assert(fc.property(element, (iq) => parsesOrRefuses(() => parseCommandList(iq))), { numRuns: 300 });
  });
});
