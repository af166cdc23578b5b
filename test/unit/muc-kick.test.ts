import { describe, expect, test } from "@jest/globals";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ExitCode, XmgrError } from "../../src/errors.js";
import { checkKickAnswer, kickBody, type HttpAnswer } from "../../src/protocol/muc-kick.js";
import { kickUrl } from "../../src/commands/muc/kick.js";
import { repoRoot } from "../support/xmgr.js";

const request = { nickname: "Bob", muc: "room2@chat.example.test", reason: "spam" };
const url = "https://chat.example.test:5281/muc_kick";

/** The HTTP answers of the muc_kick transcript, keyed by their "== …" heading. */
function transcriptAnswers(): Map<string, HttpAnswer> {
  const text = readFileSync(join(repoRoot, "test", "fixtures", "transcripts", "muc-kick-http.txt"), "utf8");
  const answers = new Map<string, HttpAnswer>();
  for (const section of text.split(/^== /m).slice(1)) {
    const heading = section.split("\n")[0];
    const status = Number(/^HTTP\/1\.1 (\d+)/m.exec(section)?.[1]);
    const contentType = /^Content-Type: (.*)$/m.exec(section)?.[1] ?? "";
    const body = /^(\{.*\})$/m.exec(section)?.[1] ?? "";
    answers.set(heading, { status, contentType, body });
  }
  return answers;
}

function failureOf(answer: HttpAnswer): XmgrError {
  try {
    checkKickAnswer(answer, request, url);
  } catch (error) {
    return error as XmgrError;
  }
  throw new Error("expected a failure");
}

describe("checkKickAnswer on the transcript's answers", () => {
  const answers = [...transcriptAnswers()];
  const find = (words: string) => answers.find(([heading]) => heading.includes(words))![1];

  test("the transcript holds the nine exchanges", () => {
    expect(answers).toHaveLength(9);
  });

  test("200 with an empty body is a kick", () => {
    expect(() => checkKickAnswer(find("(Bob is in the room)"), request, url)).not.toThrow();
  });

  test("400 item-not-found is 'nobody with that nickname' (not found)", () => {
    const error = failureOf(find("no such occupant"));
    expect(error.exitCode).toBe(ExitCode.notFound);
    expect(error.message).toContain("Nobody with the nickname Bob");
  });

  test.each([["room does not exist", "No MUC 'room2'"], ["not a MUC service", "is not a MUC service"], ["does not serve", "No such host"]])(
    "404 with JSON (%s) shows the server's reason",
    (words, reason) => {
      const error = failureOf(find(words));
      expect(error.exitCode).toBe(ExitCode.notFound);
      expect(error.message).toContain(reason);
    },
  );

  test("401 says the Authorization value does not match", () => {
    const error = failureOf(find("Authorization: Basic nope"));
    expect(error.exitCode).toBe(ExitCode.auth);
    expect(error.message).toContain("http_muc_kick_authorization_header");
  });

  test("404 without JSON says nothing serves /muc_kick there", () => {
    const error = failureOf(find("without a matching Host"));
    expect(error.exitCode).toBe(ExitCode.notFound);
    expect(error.message).toContain("Nothing serves /muc_kick");
  });

  test("400 for a missing field is a failure with the server's text", () => {
    const error = failureOf(find(`{"nickname":"Bob"}`));
    expect(error.exitCode).toBe(ExitCode.failure);
    expect(error.message).toContain("Missing nickname and/or MUC");
  });
});

describe("checkKickAnswer on answers Prosody never gives", () => {
  test("5xx with HTML is a failure pointing at the log, without the HTML", () => {
    const error = failureOf({ status: 502, contentType: "text/html", body: "<html>Bad gateway</html>" });
    expect(error.exitCode).toBe(ExitCode.failure);
    expect(error.message).not.toContain("<html>");
  });

  test("200 with a body (a login page, another service) is not taken for a kick", () => {
    expect(failureOf({ status: 200, contentType: "text/html", body: "<html>Sign in</html>" }).exitCode).toBe(ExitCode.failure);
  });

  test("ejabberd's mod_http_api 404 (Endpoint not found, code 40) is one server-neutral line: exit 5, kick over XMPP instead", () => {
    const error = failureOf({ status: 404, contentType: "application/json", body: '{"status":"error","message":"Endpoint not found.","code":40}' });
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(error.message).toBe(`${url} is an HTTP API without a MUC kick (HTTP 404: Endpoint not found.); kick over XMPP instead: xmgr muc kick --via xmpp ${request.muc} NICK.`);
    expect(error.hint).toBeUndefined();
    expect(`${error.message} ${error.hint ?? ""}`).not.toMatch(/Prosody|ejabberd/);
  });

  test("a 404 without JSON names no server software", () => {
    const error = failureOf({ status: 404, contentType: "text/html", body: "<html>Not found</html>" });
    expect(`${error.message} ${error.hint ?? ""}`).not.toMatch(/Prosody/);
  });

  test("invalid JSON on a 404 is treated as no JSON", () => {
    expect(failureOf({ status: 404, contentType: "application/json", body: "{not json" }).message).toContain("Nothing serves");
  });
});

describe("request shape", () => {
  test("the body has nickname, muc and reason, and no reason key without one", () => {
    expect(JSON.parse(kickBody(request))).toEqual(request);
    expect(JSON.parse(kickBody({ nickname: "Bob", muc: "r@c" }))).toEqual({ nickname: "Bob", muc: "r@c" });
  });

  test("the URL defaults to the room's domain on 5281 and a base URL gets /muc_kick", () => {
    expect(kickUrl(undefined, "chat.example.com").toString()).toBe("https://chat.example.com:5281/muc_kick");
    expect(kickUrl("https://example.com/", "chat.example.com").toString()).toBe("https://example.com/muc_kick");
    expect(kickUrl("https://example.com/xmpp/muc_kick", "c").toString()).toBe("https://example.com/xmpp/muc_kick");
    expect(() => kickUrl("ftp://example.com/", "c")).toThrow(/https/);
    expect(() => kickUrl("https://user:pw@example.com/", "c")).toThrow(/no credentials/);
  });
});
