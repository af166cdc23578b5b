/**
 * `user list` against a server that never stops (issue 22, item 4): a scripted XMPP server answers
 * every page of mod_admin_list_users's lists with a full page of new names, forever. The built
 * bin/xmgr must stop by itself with the documented error (exit 1, "sent more than 1,000,000
 * accounts"), having printed the accounts as they came (streamed, not collected), in bounded
 * memory (a 48 MiB heap is enough; Node 24 needs more than 32); `--limit N` prints N and stops cleanly (exit 0).
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type tls from "node:tls";
import type { Element } from "@xmpp/xml";
import { makeCertificate, runMeasured, scriptedLoginArgs, scriptedXmppServer, SCRIPTED_DOMAIN, type Certificate, type ScriptedServer } from "../support/hostile.js";
import { xmgrUser, type XmgrUser } from "../support/xmgr.js";

const PASSWORD = "scripted-servers-take-any-password";
/**
 * Peak RSS allowed. The 48 MiB V8 heap below is what proves the names are not held (1,000,000 of
 * them do not fit: the run would die of heap exhaustion, not end with the cap's error); this bound
 * only catches memory outside the heap. Node 24's peak here was 212-234 MiB on a busy machine (Node
 * 20's ~100-110 MiB), so the bound leaves room for Node's own growth.
 */
const MAX_RSS_MIB = 320;
/**
 * V8's old space is capped for these runs: a run that kept what it printed (1,000,000 names, or
 * output queued on a slow pipe) dies of it (measured: killed at ~10 MB of JSON before stdout was
 * drained), while one whose memory stays flat ends normally.
 */
const HEAP_LIMIT = "--max-old-space-size=48";
const CAP = 1_000_000;
/** Reading 1,000,000 names takes 3-14 s on an idle 2-core machine; a loaded one may take several times that. */
const LONG_CASE_MS = 240_000;

let cert: Certificate;
let user: XmgrUser;
const servers: ScriptedServer[] = [];

beforeAll(async () => {
  user = await xmgrUser();
  cert = await makeCertificate(user.home, [SCRIPTED_DOMAIN]);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await user?.cleanup();
});

const name = (n: number) => `u${String(n).padStart(9, "0")}@${SCRIPTED_DOMAIN}`;
const fieldValue = (iq: Element, field: string) =>
  iq.getChild("command")?.getChild("x")?.getChildren("field").find((f) => f.attrs.var === field)?.getChildText("value") ?? undefined;

/** Each list request gets a full page (max_items) of names after "after": the list never ends. `endless` picks the lists that do this; the others are empty. */
async function endlessServer(endless: (node: string) => boolean): Promise<ScriptedServer & { pages: () => number }> {
  let pages = 0;
  const server = await scriptedXmppServer({
    cert,
    onIq: (iq: Element, socket: tls.TLSSocket) => {
      const command = iq.getChild("command");
      const node = String(command?.attrs.node ?? "");
      const resultVar = node.endsWith("#get-disabled-users-list") ? "disableduserjids" : "registereduserjids";
      const size = Number(fieldValue(iq, "max_items"));
      const after = fieldValue(iq, "after");
      const first = after === undefined ? 0 : Number(after.slice(1, after.indexOf("@"))) + 1;
      const count = endless(node) ? size : 0;
      if (endless(node)) pages++;
      const values = Array.from({ length: count }, (_, i) => `<value>${name(first + i)}</value>`).join("");
      socket.write(
        `<iq type='result' id='${iq.attrs.id}' from='${SCRIPTED_DOMAIN}'><command xmlns='http://jabber.org/protocol/commands' node='${node}' status='completed'>` +
          `<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/admin</value></field>` +
          `<field var='${resultVar}' type='jid-multi'>${values}</field></x></command></iq>`,
      );
    },
  });
  servers.push(server);
  return Object.assign(server, { pages: () => pages });
}

const list = (server: ScriptedServer, ...extra: string[]) =>
  runMeasured(user, ["--timeout", "30", ...scriptedLoginArgs(server, cert), "user", "list", ...extra], { XMGR_PASSWORD: PASSWORD, NODE_OPTIONS: HEAP_LIMIT }, 240_000);

/** Exit 1 with the documented error: as "! …" lines, or with --json as the JSON error line. */
function expectStoppedAtCap(result: Awaited<ReturnType<typeof list>>, json = false): void {
  expect(result.code).toBe(1);
  if (json) {
    expect(JSON.parse(result.stderr)).toEqual({
      error: { message: "example.test sent more than 1,000,000 accounts: xmgr stopped reading there.", hint: expect.stringMatching(/^If the host really has more accounts, give --limit N/), exitCode: 1 },
    });
  } else {
    expect(result.stderr).toMatch(/^! example\.test sent more than 1,000,000 accounts: xmgr stopped reading there\.\n {2}If the host really has more accounts, give --limit N/m);
  }
  expect(result.stderr).not.toMatch(/\n\s+at |TypeError|RangeError/);
  expect(result.maxRssKiB).toBeLessThan(MAX_RSS_MIB * 1024);
}

describe("user list against a server that sends full pages of new names forever", () => {
  test("it stops after 1,000,000 accounts with the documented error (exit 1), having streamed the ones before, in bounded memory", async () => {
    const server = await endlessServer((node) => node.endsWith("#get-registered-users-list"));
    const result = await list(server);
    expectStoppedAtCap(result);
    const lines = result.stdout.split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines.length - 1).toBe(CAP); // every page up to the cap printed as it came
    expect(lines[0]).toBe(name(0));
    expect(lines.at(-2)).toBe(name(CAP - 1));
    expect(server.pages()).toBeLessThanOrEqual(CAP / 10_000 + 2); // the page after the cap, and the one asked for ahead of it
    if (process.env.XMGR_TEST_FIGURES) process.stderr.write(`endless user list: exit ${result.code}, ${result.ms} ms, peak RSS ${Math.round(result.maxRssKiB / 1024)} MiB, ${server.pages()} pages\n`);
  }, LONG_CASE_MS);

  test("an endless disabled list is stopped the same way (it is read alongside, not collected)", async () => {
    const server = await endlessServer(() => true);
    const result = await list(server, "--disabled", "--json");
    expectStoppedAtCap(result, true);
  }, LONG_CASE_MS);

  test("a server that ignores \"after\" (the same page again and again): exit 1 after the second page, saying so", async () => {
    const server = await scriptedXmppServer({
      cert,
      onIq: (iq: Element, socket: tls.TLSSocket) => {
        const node = String(iq.getChild("command")?.attrs.node ?? "");
        const resultVar = node.endsWith("#get-disabled-users-list") ? "disableduserjids" : "registereduserjids";
        const values = Array.from({ length: Number(fieldValue(iq, "max_items")) }, (_, i) => `<value>${name(i)}</value>`).join("");
        socket.write(
          `<iq type='result' id='${iq.attrs.id}' from='${SCRIPTED_DOMAIN}'><command xmlns='http://jabber.org/protocol/commands' node='${node}' status='completed'>` +
            `<x xmlns='jabber:x:data' type='result'><field var='${resultVar}' type='jid-multi'>${values}</field></x></command></iq>`,
        );
      },
    });
    servers.push(server);
    const result = await list(server, "--page-size", "100");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^! example\.test sent its accounts out of order or the same accounts again, instead of the next page\.\n/m);
    expect(result.stdout.split("\n").length - 1).toBe(100); // the first page, printed as it came
    expect(server.iqs.filter((iq) => String(iq.getChild("command")?.attrs.node).endsWith("#get-registered-users-list")).length).toBeLessThanOrEqual(3);
  });

  test("--limit 25 prints the first 25 and stops cleanly (exit 0) after a few pages", async () => {
    const server = await endlessServer((node) => node.endsWith("#get-registered-users-list"));
    const result = await list(server, "--limit", "25", "--page-size", "10");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${Array.from({ length: 25 }, (_, n) => name(n)).join("\n")}\n`);
    expect(result.stderr).toBe("OK: Showing the first 25 accounts on example.test: --limit 25 reached, there are more\n");
    expect(server.pages()).toBeLessThanOrEqual(4);
  });
});
