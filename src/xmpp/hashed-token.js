// HT-SHA-256-*, the SASL mechanisms of a FAST login (XEP-0484, draft-schmaus-kitten-sasl-ht),
// on node:crypto. @xmpp's own goes through WebCrypto, whose first use costs a few milliseconds
// of loading and a threadpool round trip for two HMACs of a few bytes.
// -EXPR, -UNIQ and -ENDP hash the TLS channel binding data after the label (channel-binding.ts):
// the proof then holds only on this connection, so a relay that captured it cannot log in with
// it elsewhere. -NONE binds nothing.
import { createHmac, timingSafeEqual } from "node:crypto";
import { TLSSocket } from "node:tls";
import { channelBindingOf } from "./channel-binding.js";
/** The FAST mechanisms xmgr knows, most preferred first, with the channel binding each needs. */
export const HASHED_TOKEN_MECHANISMS = [
    { name: "HT-SHA-256-EXPR", binding: "tls-exporter" },
    { name: "HT-SHA-256-UNIQ", binding: "tls-unique" },
    { name: "HT-SHA-256-ENDP", binding: "tls-server-end-point" },
    { name: "HT-SHA-256-NONE" },
];
function hashedToken(token, label, binding) {
    return createHmac("sha256", Buffer.from(token, "utf8")).update(label).update(binding).digest();
}
/** Whether `name`'s channel binding can be computed on `socket` (always for -NONE). */
export function bindingAvailable(name, socket) {
    const binding = HASHED_TOKEN_MECHANISMS.find((mechanism) => mechanism.name === name)?.binding;
    if (!binding)
        return name === "HT-SHA-256-NONE";
    return socket instanceof TLSSocket && channelBindingOf(socket, [binding]) !== undefined;
}
/** The mechanism class for `name`, bound to the connection `getSocket()` returns when it runs. */
export function hashedTokenMechanism(name, getSocket = () => undefined) {
    const type = HASHED_TOKEN_MECHANISMS.find((mechanism) => mechanism.name === name)?.binding;
    return class {
        token = "";
        binding = Buffer.alloc(0);
        get name() {
            return name;
        }
        get clientFirst() {
            return true;
        }
        /** The initial response: the username, a NUL and the initiator's hashed token, as a binary string. */
        response({ username, password }) {
            this.token = password;
            if (type) {
                const socket = getSocket();
                const binding = socket instanceof TLSSocket ? channelBindingOf(socket, [type]) : undefined;
                if (!binding)
                    throw new Error(`${name} needs ${type} channel binding, which this connection does not have.`);
                this.binding = binding.data;
            }
            return Buffer.concat([Buffer.from(`${username}\0`, "utf8"), hashedToken(password, "Initiator", this.binding)]).toString("latin1");
        }
        /** Checks the server's additional data: the responder's hashed token proves it knew the token too. */
        final(data) {
            const received = Buffer.from(data, "latin1");
            const expected = hashedToken(this.token, "Responder", this.binding);
            if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
                throw new Error("The server's FAST answer does not match the token: it is not the server that issued it.");
            }
        }
    };
}
export const HashedTokenSha256None = hashedTokenMechanism("HT-SHA-256-NONE");
