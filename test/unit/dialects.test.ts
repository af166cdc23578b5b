import { afterEach, beforeEach, describe, expect, test } from "@jest/globals";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dialectByName, dialectOfIdentities, dialectOfSoftware } from "../../src/protocol/dialects/detect.js";
import { knownIn, notOverXmpp } from "../../src/protocol/dialects/dialect.js";
import { EJABBERD } from "../../src/protocol/dialects/ejabberd.js";
import { GENERIC } from "../../src/protocol/dialects/generic.js";
import { PROSODY } from "../../src/protocol/dialects/prosody.js";
import { KNOWN_COMMANDS } from "../../src/protocol/admin-forms.js";
import { ProfileState } from "../../src/config/state.js";
import { ExitCode } from "../../src/errors.js";
import { COMMANDS } from "../../src/commands/index.js";
import { commandPath } from "../../src/commands/define.js";

describe("which dialect a server speaks", () => {
  test("the host's server identity names it: Prosody, ejabberd (any case)", () => {
    expect(dialectOfIdentities([{ category: "server", type: "im", name: "Prosody" }])).toBe("prosody");
    expect(dialectOfIdentities([{ category: "server", type: "im", name: "ejabberd" }])).toBe("ejabberd");
    expect(dialectOfIdentities([{ category: "server", type: "im", name: "EJABBERD" }])).toBe("ejabberd");
  });

  test("an identity of another category, another name or none names no dialect (then the version is asked)", () => {
    expect(dialectOfIdentities([{ category: "conference", type: "text", name: "Prosody" }])).toBeUndefined();
    expect(dialectOfIdentities([{ category: "server", type: "im", name: "Openfire" }])).toBeUndefined();
    expect(dialectOfIdentities([{ category: "server", type: "im" }])).toBeUndefined();
    expect(dialectOfIdentities([])).toBeUndefined();
  });

  test("a XEP-0092 software name", () => {
    expect(dialectOfSoftware(" Prosody ")).toBe("prosody");
    expect(dialectOfSoftware("ejabberd")).toBe("ejabberd");
    expect(dialectOfSoftware("Tigase")).toBeUndefined();
    expect(dialectOfSoftware(undefined)).toBeUndefined();
  });

  test("a kept name maps back to its dialect; anything else (a damaged file) to none", () => {
    expect(dialectByName("ejabberd")).toBe(EJABBERD);
    expect(dialectByName("prosody")).toBe(PROSODY);
    expect(dialectByName("generic")).toBe(GENERIC);
    expect(dialectByName("toString")).toBeUndefined();
    expect(dialectByName("")).toBeUndefined();
  });
});

describe("what a dialect says", () => {
  test("a command ejabberd has no XMPP way for is refused with exit 5, naming the ejabberdctl command, never Prosody", () => {
    const refusal = notOverXmpp(EJABBERD, "user disable")!;
    expect(refusal.exitCode).toBe(ExitCode.refused);
    expect(refusal.message).toBe("ejabberd does not offer this over XMPP; use `ejabberdctl ban_account USER HOST REASON` (it needs mod_private).");
    expect(refusal.message).not.toMatch(/prosody/i);
    for (const [command, instead] of Object.entries(EJABBERD.notOverXmpp)) {
      expect(instead).not.toMatch(/prosody/i);
      expect(notOverXmpp(EJABBERD, command)?.message.split("\n")).toHaveLength(1);
    }
  });

  test("every command a dialect refuses is an xmgr command that speaks XMPP (a typo would refuse nothing)", () => {
    const xmppCommands = COMMANDS.filter((def) => def.transport === "xmpp").map(commandPath);
    for (const dialect of [PROSODY, EJABBERD, GENERIC]) {
      for (const command of Object.keys(dialect.notOverXmpp)) expect(xmppCommands).toContain(command);
    }
  });

  test("commands ejabberd offers, and every command on Prosody and on an unknown server, are not refused", () => {
    expect(notOverXmpp(EJABBERD, "user delete")).toBeUndefined();
    expect(notOverXmpp(PROSODY, "user disable")).toBeUndefined();
    expect(notOverXmpp(GENERIC, "module list")).toBeUndefined();
  });

  test("ejabberd's own forms: end-user-session takes accountjid, announce body, its lists no form at all", () => {
    expect(EJABBERD.commands.endUserSession.fields.map((field) => field.var)).toEqual(["accountjid"]);
    expect(PROSODY.commands.endUserSession.fields.map((field) => field.var)).toEqual(["accountjids"]);
    expect(EJABBERD.announceField).toBe("body");
    expect(EJABBERD.commands.announce.fields.map((field) => field.var)).toContain("body");
    expect(EJABBERD.commands.getRegisteredUsersList.bare).toBe(true);
    expect(EJABBERD.commands.getOnlineUsersList.bare).toBe(true);
  });

  test("the form adhoc run uses for a node: the server's own; on ejabberd, none for Prosody-only nodes", () => {
    const list = "http://jabber.org/protocol/admin#get-registered-users-list";
    expect(knownIn(PROSODY, list)).toBe(KNOWN_COMMANDS.getRegisteredUsersList);
    expect(knownIn(EJABBERD, list)?.bare).toBe(true);
    expect(knownIn(EJABBERD, KNOWN_COMMANDS.modulesList.node)).toBeUndefined();
    expect(knownIn(GENERIC, KNOWN_COMMANDS.modulesList.node)).toBe(KNOWN_COMMANDS.modulesList);
  });

  test("ejabberd's shutdown is the Erlang node's, found in the command list", () => {
    expect(EJABBERD.shutdownNode!(["ping", "running nodes/ej@localhost/restart", "running nodes/ej@localhost/shutdown"])).toBe("running nodes/ej@localhost/shutdown");
    expect(EJABBERD.shutdownNode!(["ping"])).toBeUndefined();
    expect(PROSODY.shutdownNode).toBeUndefined();
  });
});

describe("what a login found out about a server, kept per profile and host (servers.json)", () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), "xmgr-dialect-"));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));
  const state = () => new ProfileState("default", { XDG_STATE_HOME: base });

  test("saved and read back by host (case-insensitively), other hosts kept beside it", () => {
    state().saveServer("Example.test", { mark: "abc", dialect: "ejabberd", software: "ejabberd" });
    state().saveServer("other.test", { mark: "def", dialect: "prosody" });
    expect(state().readServer("example.test")).toEqual({ mark: "abc", dialect: "ejabberd", software: "ejabberd" });
    expect(state().readServer("other.test")).toEqual({ mark: "def", dialect: "prosody" });
    expect(state().readServer("third.test")).toBeUndefined();
    expect(Object.keys(JSON.parse(readFileSync(join(base, "xmgr", "default", "servers.json"), "utf8")))).toEqual(["example.test", "other.test"]);
  });

  test("a damaged file is as none: found out again at the next login", () => {
    mkdirSync(join(base, "xmgr", "default"), { recursive: true, mode: 0o700 });
    writeFileSync(join(base, "xmgr", "default", "servers.json"), "{not json", { mode: 0o600 });
    expect(state().readServer("example.test")).toBeUndefined();
    writeFileSync(join(base, "xmgr", "default", "servers.json"), JSON.stringify({ "example.test": { mark: 1, dialect: "ejabberd" } }), { mode: 0o600 });
    expect(state().readServer("example.test")).toBeUndefined();
  });
});
