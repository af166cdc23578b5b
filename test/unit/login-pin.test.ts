import { describe, expect, test } from "@jest/globals";
import { checkOffer, missing, strongest } from "../../src/xmpp/login-pin.js";

const none = { sasl2: false, scramPlus: false, fastBound: false };
const all = { sasl2: true, scramPlus: true, fastBound: true };

describe("login pin", () => {
  test("a pin only grows: the strongest of what was pinned and what is offered", () => {
    expect(strongest(undefined, none)).toEqual(none);
    expect(strongest({ ...none, scramPlus: true }, { ...none, sasl2: true })).toEqual({ sasl2: true, scramPlus: true, fastBound: false });
    expect(strongest(all, none)).toEqual(all);
  });

  test("missing names what the pin has and the offer lacks, nothing without a pin", () => {
    expect(missing(undefined, none)).toEqual([]);
    expect(missing(all, all)).toEqual([]);
    expect(missing(all, { ...all, scramPlus: false })).toEqual(["SCRAM with channel binding (-PLUS)"]);
    expect(missing({ ...none, sasl2: true }, { ...all, sasl2: false })).toEqual(["SASL2"]);
  });

  test("a weaker offer is refused with exit 7 and the pin file to remove; an equal or stronger one passes", () => {
    const options = { account: "alice@example.test", service: "xmpps://127.0.0.1:5223", pinFile: "/state/login-pin-alice@example.test.json" };
    expect(() => checkOffer({ ...options, pin: { ...none, sasl2: true }, offer: all })).not.toThrow();
    let error: unknown;
    try {
      checkOffer({ ...options, pin: all, offer: { ...all, fastBound: false } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ exitCode: 7, message: expect.stringContaining("FAST with channel binding"), hint: expect.stringContaining("rm '/state/login-pin-alice@example.test.json'") });
  });
});
