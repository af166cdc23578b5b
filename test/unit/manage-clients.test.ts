import { describe, expect, test } from "@jest/globals";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import parse from "ltx/lib/parse.js";
import { listRequest, parseClients, readStanzaError, revokeRequest } from "../../src/protocol/manage-clients.js";
import { repoRoot } from "../support/xmgr.js";

// Copies of ../shared/protocol/transcripts: what a real Prosody 13 sent, byte for byte.
const transcripts = join(repoRoot, "test", "fixtures", "transcripts");
const transcript = (name: string) => readFileSync(join(transcripts, name), "utf8");
/** The stanzas of a transcript file (comments dropped), parsed. */
const stanzas = (name: string) =>
  transcript(name)
    .replace(/<!--[\s\S]*?-->/g, "")
    .split(/\n(?=<iq)/)
    .map((text) => text.trim())
    .filter(Boolean)
    .map((text) => parse(text));

describe("parseClients", () => {
  test("reads every entry of the mixed transcript with its kind of authentication", () => {
    const clients = parseClients(stanzas("list-self-mixed.xml")[0]);
    expect(clients.map((client) => client.id)).toEqual([
      "client/07ae6af6-dbd6-4ae5-8714-78d05f066a4b",
      "client/df925fa4-86e8-470d-985e-27e8ca4afa6a",
      "grant/WEwTkPLtH3nC",
      "client/11111111-2222-3333-4444-alice0000000",
    ]);
    expect(clients[2]).toEqual({
      id: "grant/WEwTkPLtH3nC",
      type: "access",
      connected: false,
      firstSeen: "2026-11-22T09:58:58Z",
      lastSeen: "2026-11-22T09:58:58Z",
      auth: ["grant"],
    });
    expect(clients[3]).toMatchObject({ connected: true, auth: ["password"], userAgent: { software: "Gajim", device: "spike box" } });
    expect(clients[0].userAgent).toBeUndefined();
  });

  test("reads the unmodified single-client bytes", () => {
    const [client] = parseClients(stanzas("list-self-single.xml")[0]);
    expect(client).toMatchObject({ id: "client/11111111-2222-3333-4444-alice0000000", type: "session", connected: true, lastSeen: "2026-11-22T09:56:21Z" });
  });

  test("accepts <grant/> as the README names it, software id/version and uri, and ignores unknown parts", () => {
    const iq = parse(
      `<iq type="result"><clients xmlns="xmpp:prosody.im/protocol/manage-clients"><client id="grant/x" type="access" connected="false" future="1">` +
        `<auth><grant/><fast/><something-new/></auth><user-agent><software id="org.example.app" version="2.1">App</software><uri>https://app.example</uri><future/></user-agent><later-element/>` +
        `</client><client/></clients></iq>`,
    );
    expect(parseClients(iq)).toEqual([
      { id: "grant/x", type: "access", connected: false, auth: ["grant", "fast"], userAgent: { software: "App", version: "2.1", softwareId: "org.example.app", uri: "https://app.example" } },
    ]);
  });

  test("an answer without <clients/> is an error, an empty one is no clients", () => {
    expect(() => parseClients(parse(`<iq type="result"/>`))).toThrow(/no <clients\/>/);
    expect(parseClients(parse(`<iq type="result"><clients xmlns="xmpp:prosody.im/protocol/manage-clients"/></iq>`))).toEqual([]);
  });

  test("leaves out timestamps that do not parse", () => {
    const iq = parse(`<iq><clients xmlns="xmpp:prosody.im/protocol/manage-clients"><client id="client/a"><first-seen>yesterday</first-seen></client></clients></iq>`);
    expect(parseClients(iq)[0].firstSeen).toBeUndefined();
  });
});

describe("readStanzaError", () => {
  test("reads the revoke transcript's three kinds of answer", () => {
    const [, notFound, passwordReset] = stanzas("revoke-results.xml");
    expect(readStanzaError(notFound)).toEqual({ condition: "item-not-found", text: "Client not found" });
    expect(readStanzaError(passwordReset)).toEqual({ condition: "service-unavailable", text: "Password reset required", application: "password-reset-required" });
  });

  test("reads the admin refusal and survives an empty <error/>", () => {
    expect(readStanzaError(stanzas("list-other-user-as-admin.xml")[0]).condition).toBe("service-unavailable");
    expect(readStanzaError(parse(`<iq type="error"><error/></iq>`)).condition).toBe("undefined-condition");
  });
});

describe("requests", () => {
  test("list has no 'to' for the own account and the bare JID otherwise", () => {
    expect(listRequest().toString()).toBe(`<iq type="get"><list xmlns="xmpp:prosody.im/protocol/manage-clients"/></iq>`);
    expect(listRequest("alice@example.com").attrs.to).toBe("alice@example.com");
  });

  test("revoke carries the selector as given, escaped as XML", () => {
    expect(revokeRequest("software/A&B").toString()).toBe(`<iq type="set"><revoke xmlns="xmpp:prosody.im/protocol/manage-clients" id="software/A&amp;B"/></iq>`);
  });
});
