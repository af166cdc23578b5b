/**
 * Issue 24: a server whose software xmgr does not know (its disco#info names "Openfire") gets the
 * generic dialect: plain XEP-0133, one account per delete request, a bare `completed` taken as
 * success, and nothing kept about it (the next login asks again). A scripted server on 127.0.0.1
 * (test/support/hostile.ts) plays it, so what xmgr sent can be read back exactly.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Element } from "@xmpp/xml";
import { makeCertificate, scriptedLoginArgs, scriptedXmppServer, type Certificate, type ScriptedServer } from "../support/hostile.js";
import { xmgrUser, type XmgrUser } from "../support/xmgr.js";

const COMMANDS = "http://jabber.org/protocol/commands";

let cert: Certificate;
let user: XmgrUser;
let server: ScriptedServer;

/** Every command completes with no note and no form, as a terse XEP-0133 server may answer. */
function bareCompleted(iq: Element, socket: { write(text: string): void }): void {
  const command = iq.getChild("command", COMMANDS);
  if (!command) {
    socket.write(`<iq type='error' id='${iq.attrs.id}' from='example.test'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`);
    return;
  }
  socket.write(`<iq type='result' id='${iq.attrs.id}' from='example.test'><command xmlns='${COMMANDS}' node='${command.attrs.node}' status='completed'/></iq>`);
}

beforeAll(async () => {
  user = await xmgrUser();
  cert = await makeCertificate(user.home, ["example.test"]);
  server = await scriptedXmppServer({ cert, identity: "Openfire", onIq: bareCompleted });
});

afterAll(async () => {
  await server?.close();
  await user?.cleanup();
});

test("user delete: one request per account, a bare `completed` is success for each (exit 0); nothing is kept about the server", async () => {
  const result = await user.run([...scriptedLoginArgs(server, cert), "user", "delete", "--yes", "a@example.test", "b@example.test"], { XMGR_PASSWORD: "pw" });
  expect(result.stdout).toBe("");
  expect(result.stderr).toBe("OK: Deleted a@example.test\nOK: Deleted b@example.test\n");
  expect(result.code).toBe(0);
  const deletes = server.iqs.filter((iq) => String(iq.getChild("command", COMMANDS)?.attrs.node).endsWith("#delete-user"));
  expect(deletes.map((iq) => iq.getChild("command", COMMANDS)!.getChild("x")!.getChildren("field").find((field) => field.attrs.var === "accountjids")!.getChildren("value").map((value) => value.text()))).toEqual([
    ["a@example.test"],
    ["b@example.test"],
  ]);
  // Asked the version too (the identity named no software xmgr knows), and kept nothing.
  expect(server.iqs.some((iq) => iq.getChild("query", "jabber:iq:version") !== undefined)).toBe(true);
  expect(existsSync(join(user.stateDir, "default", "servers.json"))).toBe(false);
});

test("user password makes no claim about the sessions an unknown server keeps or closes", async () => {
  const result = await user.run([...scriptedLoginArgs(server, cert), "user", "password", "a@example.test", "--random-password"], { XMGR_PASSWORD: "pw" });
  expect(result.code).toBe(0);
  expect(result.stderr).toContain("OK: Password of a@example.test changed");
  expect(result.stderr).not.toMatch(/closed|stay connected/);
});

test("an admin command refused (forbidden): the hint names no server software, not Prosody's admins list", async () => {
  const refusing = await scriptedXmppServer({
    cert,
    identity: "Openfire",
    onIq: (iq, socket) =>
      socket.write(`<iq type='error' id='${iq.attrs.id}' from='example.test'><error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`),
  });
  try {
    const result = await user.run([...scriptedLoginArgs(refusing, cert), "c2s", "close", "a@example.test"], { XMGR_PASSWORD: "pw" });
    expect(result.code).toBe(5);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("It needs a server admin: log in as an account the server lists as an admin.");
    expect(result.stderr).not.toMatch(/prosody/i);
  } finally {
    await refusing.close();
  }
});

test("user list: where the paged request (xmgr's Prosody module) is refused, the plain XEP-0133 list asked with no form", async () => {
  const listing = await scriptedXmppServer({
    cert,
    identity: "Openfire",
    onIq: (iq, socket) => {
      const command = iq.getChild("command", COMMANDS);
      if (!command || command.getChild("x") !== undefined) {
        socket.write(`<iq type='error' id='${iq.attrs.id}' from='example.test'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`);
        return;
      }
      socket.write(
        `<iq type='result' id='${iq.attrs.id}' from='example.test'><command xmlns='${COMMANDS}' node='${command.attrs.node}' status='completed'>` +
          `<x xmlns='jabber:x:data' type='result'><field var='registereduserjids' type='jid-multi'><value>a@example.test</value><value>b@example.test</value></field></x></command></iq>`,
      );
    },
  });
  try {
    const result = await user.run([...scriptedLoginArgs(listing, cert), "user", "list"], { XMGR_PASSWORD: "pw" });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("a@example.test\nb@example.test\n");
    expect(result.stderr).toContain("OK: Showing all 2 accounts on example.test");
    expect(result.stderr).not.toMatch(/prosody|mod_admin_list_users/i);
    const lists = listing.iqs.filter((iq) => String(iq.getChild("command", COMMANDS)?.attrs.node).endsWith("#get-registered-users-list"));
    expect(lists.at(-1)!.getChild("command", COMMANDS)!.getChild("x")).toBeUndefined();
  } finally {
    await listing.close();
  }
});
