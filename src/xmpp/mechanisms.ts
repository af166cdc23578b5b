// The SASL mechanisms xmgr logs in with, most preferred first: SCRAM with channel binding, plain
// SCRAM (all on node:crypto), then PLAIN (TLS is always required before any of them runs).
// The password may be a function: it is then asked for only when a mechanism needs it, so a
// FAST login never prompts.
import type { TLSSocket } from "node:tls";
import type SASLFactory from "saslmechanisms";
import { registerScram } from "./scram.js";

type Password = string | (() => Promise<string>);
interface Credentials {
  username: string;
  password: Password;
}
type Mechanism = new () => { response(credentials: Credentials): Promise<string> | string };

class Plain {
  get name() {
    return "PLAIN";
  }
  get clientFirst() {
    return true;
  }
  response(credentials: { username: string; password: string }): string {
    const octets = Buffer.from(`\0${credentials.username}\0${credentials.password}`, "utf8");
    return octets.toString("latin1");
  }
  challenge() {
    return this;
  }
}

function withLazyPassword(Base: Mechanism): Mechanism {
  return class extends Base {
    async response(credentials: Credentials) {
      const { password } = credentials;
      return super.response({ ...credentials, password: typeof password === "function" ? await password() : password });
    }
  };
}

export function registerMechanisms(factory: SASLFactory, getSocket: () => unknown): void {
  registerScram(factory as never, () => getSocket() as TLSSocket | undefined);
  factory.use("PLAIN", Plain);
  for (const entry of factory._mechs) {
    entry.mech = withLazyPassword(entry.mech as Mechanism);
  }
}
