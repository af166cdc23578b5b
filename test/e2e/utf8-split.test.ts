// A multi-byte UTF-8 character split between two TCP reads must arrive whole.
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeCertificate, scriptedLoginArgs, scriptedXmppServer, SCRIPTED_ADMIN, type Certificate, type ScriptedServer } from "../support/hostile.js";
import { xmgrUser, type XmgrUser } from "../support/xmgr.js";

let dir: string;
let cert: Certificate;
let server: ScriptedServer;
let user: XmgrUser;
const device = "デバイス";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xmgr-utf8-"));
  cert = await makeCertificate(dir, ["example.test"]);
  user = await xmgrUser();
  server = await scriptedXmppServer({
    cert,
    onIq: async (iq, socket) => {
      const answer = Buffer.from(
        `<iq type='result' id='${iq.attrs.id}'><clients xmlns='xmpp:prosody.im/protocol/manage-clients'>` +
          `<client id='client/a' type='session' connected='true'><auth><password/></auth><user-agent><device>${device}</device></user-agent></client>` +
          `</clients></iq>`,
      );
      const middleOfCharacter = answer.indexOf(Buffer.from(device)) + 1;
      socket.write(answer.subarray(0, middleOfCharacter));
      await new Promise((resolve) => setTimeout(resolve, 50)); // two separate reads on xmgr's side
      socket.write(answer.subarray(middleOfCharacter));
    },
  });
});

afterAll(async () => {
  await server?.close();
  await user?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

test("a device name split in the middle of a character is shown whole", async () => {
  const result = await user.run([...scriptedLoginArgs(server, cert), "--json", "user", "clients", SCRIPTED_ADMIN], { XMGR_PASSWORD: "any" });
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout).clients[0].userAgent.device).toBe(device);
});
