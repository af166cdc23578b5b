/** Which way `xmgr muc kick` goes: HTTP when asked or when any muc_kick setting is there, else XMPP. */
import { describe, expect, test } from "@jest/globals";
import { Settings } from "../../src/config/settings.js";
import { kickVia } from "../../src/commands/muc/kick.js";
import { ExitCode, XmgrError } from "../../src/errors.js";

const settings = (env: Record<string, string> = {}) => new Settings({}, { HOME: "/nonexistent-xmgr-home", XDG_CONFIG_HOME: "/nonexistent-xmgr-home/config", ...env });

describe("kickVia", () => {
  test("nothing configured: XMPP", () => {
    expect(kickVia(settings(), {})).toBe("xmpp");
  });

  test("a URL, a server or an Authorization value (option or environment): HTTP", () => {
    expect(kickVia(settings(), { url: "https://chat.example.com/" })).toBe("http");
    expect(kickVia(settings(), { httpServer: "127.0.0.1" })).toBe("http");
    expect(kickVia(settings(), { authFile: "/some/file" })).toBe("http");
    expect(kickVia(settings({ XMGR_MUC_KICK_URL: "https://chat.example.com/" }), {})).toBe("http");
    expect(kickVia(settings({ XMGR_MUC_KICK_SERVER: "127.0.0.1" }), {})).toBe("http");
    expect(kickVia(settings({ XMGR_MUC_KICK_AUTH: "Basic eDp5" }), {})).toBe("http");
  });

  test("--via wins either way; anything else is a usage error", () => {
    expect(kickVia(settings({ XMGR_MUC_KICK_AUTH: "Basic eDp5" }), { via: "xmpp" })).toBe("xmpp");
    expect(kickVia(settings(), { via: "http" })).toBe("http");
    let error: unknown;
    try {
      kickVia(settings(), { via: "smtp" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(XmgrError);
    expect((error as XmgrError).exitCode).toBe(ExitCode.usage);
  });
});
