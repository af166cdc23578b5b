/**
 * TLS channel binding, shared by SCRAM's -PLUS mechanisms (scram.ts) and FAST's bound HT-*
 * mechanisms (hashed-token.ts): data that only the two ends of this very TLS connection can
 * compute, so a login proof captured by a TLS-terminating relay fails on any other connection.
 *
 *   channelBindingOf(socket, types?) → { type, data } | undefined
 *     The first of `types` (in that order of preference) defined for this connection.
 *     Default order: tls-exporter (RFC 9266, TLS 1.3 only), tls-unique (RFC 5929, TLS ≤ 1.2),
 *     tls-server-end-point (RFC 5929, any version with a server certificate).
 *     Prosody 13's mod_sasl2 implements only tls-exporter (TLS 1.3) and tls-unique (TLS 1.2);
 *     tls-server-end-point exists only in mod_saslauth (SASL1), and only when
 *     `tls_server_end_point_hash` is configured. Pass the types the server advertised
 *     (XEP-0440) to restrict the choice.
 *
 *   tlsServerEndPoint(certDer) → Buffer
 *     RFC 5929 §4.1: hash of the certificate DER with the hash of its signature algorithm,
 *     SHA-256 when that is MD5 or SHA-1 (or has no single hash, e.g. Ed25519).
 */
import { createHash } from "node:crypto";
export const DEFAULT_CHANNEL_BINDING_TYPES = [
    "tls-exporter",
    "tls-unique",
    "tls-server-end-point",
];
/** The channel binding data of `socket` for the first of `types` defined on it, if any. */
export function channelBindingOf(socket, types = DEFAULT_CHANNEL_BINDING_TYPES) {
    const protocol = socket.getProtocol?.();
    if (!protocol || protocol === "unknown")
        return undefined; // not (yet) a TLS session
    const tls13 = protocol === "TLSv1.3";
    for (const type of types) {
        let data;
        try {
            data = bindingData(socket, type, tls13);
        }
        catch {
            data = undefined; // e.g. handshake not complete (getProtocol() answers before it is)
        }
        if (data && data.length > 0)
            return { type, data };
    }
    return undefined;
}
function bindingData(socket, type, tls13) {
    switch (type) {
        case "tls-exporter":
            // RFC 9266 §2: label "EXPORTER-Channel-Binding", empty context, 32 bytes; TLS 1.3 only.
            return tls13 ? socket.exportKeyingMaterial(32, "EXPORTER-Channel-Binding", Buffer.alloc(0)) : undefined;
        case "tls-unique":
            // RFC 5929 §3.1: the first Finished message of the latest handshake: the client's on a
            // full handshake, the server's on a resumed one. Undefined on TLS 1.3 (RFC 8446 §C.5).
            if (tls13)
                return undefined;
            return socket.isSessionReused() ? socket.getPeerFinished() : socket.getFinished();
        case "tls-server-end-point": {
            const raw = socket.getPeerCertificate()?.raw;
            return raw && raw.length > 0 ? tlsServerEndPoint(raw) : undefined;
        }
        default:
            return undefined;
    }
}
/** RFC 5929 §4.1 tls-server-end-point data for a server certificate (DER). */
export function tlsServerEndPoint(certDer) {
    return createHash(endPointHash(certDer)).update(certDer).digest();
}
// Signature algorithm OID → its hash ("sha1"/"md5" map to sha256 per RFC 5929).
const SIGNATURE_HASHES = {
    "1.2.840.113549.1.1.4": "sha256", // md5WithRSAEncryption
    "1.2.840.113549.1.1.5": "sha256", // sha1WithRSAEncryption
    "1.2.840.113549.1.1.14": "sha224",
    "1.2.840.113549.1.1.11": "sha256",
    "1.2.840.113549.1.1.12": "sha384",
    "1.2.840.113549.1.1.13": "sha512",
    "1.2.840.10045.4.1": "sha256", // ecdsa-with-SHA1
    "1.2.840.10045.4.3.1": "sha224",
    "1.2.840.10045.4.3.2": "sha256",
    "1.2.840.10045.4.3.3": "sha384",
    "1.2.840.10045.4.3.4": "sha512",
    "1.2.840.10040.4.3": "sha256", // dsa-with-sha1
    "2.16.840.1.101.3.4.3.1": "sha224", // dsa-with-sha224
    "2.16.840.1.101.3.4.3.2": "sha256", // dsa-with-sha256
};
const RSASSA_PSS = "1.2.840.113549.1.1.10";
const DIGEST_HASHES = {
    "1.3.14.3.2.26": "sha256", // sha1
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
};
function readTlv(der, offset, limit) {
    if (offset + 2 > limit)
        throw new Error("truncated DER");
    const tag = der[offset];
    let len = der[offset + 1];
    let start = offset + 2;
    if (len & 0x80) {
        const n = len & 0x7f;
        if (n === 0 || n > 4 || start + n > limit)
            throw new Error("bad DER length");
        len = 0;
        for (let i = 0; i < n; i++)
            len = len * 256 + der[start + i];
        start += n;
    }
    const end = start + len;
    if (end > limit)
        throw new Error("truncated DER");
    return { tag, start, end };
}
function oidString(der, tlv) {
    const parts = [];
    let value = 0;
    for (let i = tlv.start; i < tlv.end; i++) {
        value = value * 128 + (der[i] & 0x7f);
        if (!(der[i] & 0x80)) {
            if (parts.length === 0)
                parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
            else
                parts.push(value);
            value = 0;
        }
    }
    return parts.join(".");
}
/**
 * The hash for tls-server-end-point: that of the certificate's signature algorithm, SHA-256 when
 * it is MD5/SHA-1, and SHA-256 too when it has none or is unknown (e.g. Ed25519, for which
 * RFC 5929 leaves the binding undefined; Prosody also falls back to SHA-256).
 */
function endPointHash(der) {
    try {
        const cert = readTlv(der, 0, der.length);
        const tbs = readTlv(der, cert.start, cert.end);
        const sigAlg = readTlv(der, tbs.end, cert.end);
        const oid = readTlv(der, sigAlg.start, sigAlg.end);
        if (cert.tag !== 0x30 || tbs.tag !== 0x30 || sigAlg.tag !== 0x30 || oid.tag !== 0x06)
            return "sha256";
        const name = oidString(der, oid);
        if (name === RSASSA_PSS && oid.end < sigAlg.end) {
            // RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1, … }
            const params = readTlv(der, oid.end, sigAlg.end);
            if (params.tag === 0x30 && params.start < params.end) {
                const first = readTlv(der, params.start, params.end);
                if (first.tag === 0xa0) {
                    const alg = readTlv(der, first.start, first.end);
                    const hashOid = readTlv(der, alg.start, alg.end);
                    if (hashOid.tag === 0x06)
                        return DIGEST_HASHES[oidString(der, hashOid)] ?? "sha256";
                }
            }
            return "sha256";
        }
        return SIGNATURE_HASHES[name] ?? "sha256";
    }
    catch {
        return "sha256";
    }
}
