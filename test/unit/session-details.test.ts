// c2s show --columns: reading mod_admin_sessions' lines and checking the column names (pure).
import { describe, expect, test } from "@jest/globals";
import { parseSessionDetails } from "../../src/commands/c2s/online.js";
import { DEFAULT_COLUMNS, parseColumns } from "../../src/commands/c2s/session-details.js";

describe("parseSessionDetails", () => {
  test("one JSON object a line: role, IP version, TLS, SM, CSI and the creation time as RFC 3339", () => {
    const lines = [
      '{"id":"c2s55b1aa74e110","jid":"bob@example.test/desk","role":"prosody:registered","ip":"127.0.0.1","status":"away","tls":"TLSv1.3","sm":"no","created":1796463240.52}',
      '{"id":"c2s2","jid":"alice@example.test/phone~x","role":null,"ip":"::1","status":"","tls":"secure","sm":"hibernating","csi":"inactive","created":null}',
    ];
    expect(parseSessionDetails([lines.join("\n")])).toEqual(
      new Map([
        ["bob@example.test/desk", { id: "c2s55b1aa74e110", role: "prosody:registered", ipv: "IPv4", tls: "TLSv1.3", sm: "no", created: "2026-12-05T09:34:00Z" }],
        ["alice@example.test/phone~x", { id: "c2s2", ipv: "IPv6", tls: "secure", sm: "hibernating", csi: "inactive" }],
      ]),
    );
  });

  test("lines that are not JSON objects with a jid are left out", () => {
    expect(parseSessionDetails(["not json", "[]", '{"id":"x"}', "null", ""])).toEqual(new Map());
  });
});

describe("parseColumns", () => {
  test("default, commas or spaces, any case", () => {
    expect(parseColumns(undefined)).toEqual(DEFAULT_COLUMNS);
    expect(parseColumns("ID, Role tls")).toEqual(["id", "role", "tls"]);
  });

  test("an unknown or empty list is a usage error naming the columns", () => {
    expect(() => parseColumns("account,colour")).toThrow(/no column colour/);
    expect(() => parseColumns(" , ")).toThrow(/Invalid --columns/);
  });
});
