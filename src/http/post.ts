// One HTTPS (or loopback HTTP) POST with undici: the CA from --ca, an optional address to connect
// to instead of the URL's host (Host header and certificate name still come from the URL), no
// redirects, a deadline for the whole exchange and a cap on the answer's size.
import { isIP } from "node:net";
import { Agent, buildConnector } from "undici";
import { ExitCode, UNTRUSTED_CERTIFICATE_HINT, XmgrError } from "../errors.js";
import { AnswerLost } from "../xmpp/failures.js";
import { clip } from "../output/secrets.js";
import { compileIPv6Check, withBaselineWasm } from "../v8-tuning.js";
import { secureContextFor } from "../tls-trust.js";
import type { ServerAddress } from "../config/server-address.js";
import type { HttpAnswer } from "../protocol/muc-kick.js";

const MAX_ANSWER_BYTES = 64 * 1024;

export interface PostOptions {
  url: URL;
  connectTo?: Pick<ServerAddress, "host" | "port">;
  body: string;
  authorization: string;
  ca?: string;
  insecure: boolean;
  timeoutMs: number;
  trace?: (line: string) => void;
}

export async function postJson(options: PostOptions): Promise<HttpAnswer> {
  const { url, connectTo, trace } = options;
  const tls = { secureContext: secureContextFor(options), rejectUnauthorized: !options.insecure };
  const connector = buildConnector({ ...tls, timeout: options.timeoutMs });
  compileIPv6Check();
  // Once connected (TLS done), the request goes out at once: a failure after that may follow a request the server acted on.
  let connected = false;
  const dispatcher = new Agent({
    connect: (connectOptions, callback) =>
      connector(
        connectTo ? { ...connectOptions, hostname: connectTo.host, port: String(connectTo.port), ...(!isIP(url.hostname.replace(/^\[|\]$/g, "")) && { servername: url.hostname }) } : connectOptions,
        (error, socket) => {
          if (!error) connected = true;
          (callback as (error: Error | null, socket: unknown) => void)(error, socket);
        },
      ),
  });
  trace?.(`POST ${url} (Authorization: [redacted]) ${options.body}`);
  try {
    return await withBaselineWasm(async () => {
      const response = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: "POST",
        headers: { "content-type": "application/json", authorization: options.authorization, "user-agent": "xmgr" },
        body: options.body,
        signal: AbortSignal.timeout(options.timeoutMs),
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      const body = await readCapped(response.body);
      const contentType = String(response.headers["content-type"] ?? "");
      const location = response.headers.location;
      trace?.(`HTTP ${response.statusCode} ${contentType}${location ? ` Location: ${location}` : ""} ${clip(body, 2000)}`);
      return { status: response.statusCode, contentType, body, ...(typeof location === "string" && { location }) };
    });
  } catch (error) {
    const failure = httpFailure(error, url);
    if (!connected || (failure.exitCode !== ExitCode.timeout && failure.exitCode !== ExitCode.connection)) throw failure;
    throw new AnswerLost(failure, failure.exitCode === ExitCode.timeout ? `no answer within ${options.timeoutMs / 1000} s` : "the connection ended before the answer");
  } finally {
    dispatcher.destroy().catch(() => undefined);
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      throw new XmgrError("failure", `The server's answer is larger than ${MAX_ANSWER_BYTES / 1024} KiB; mod_http_muc_kick never sends that much.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function httpFailure(error: unknown, url: URL): XmgrError {
  if (error instanceof XmgrError) return error;
  const { name, code, cause } = error as { name?: string; code?: string; cause?: { code?: string } };
  const reason = code ?? cause?.code ?? name;
  const where = url.origin;
  if (name === "TimeoutError" || name === "AbortError" || reason === "UND_ERR_HEADERS_TIMEOUT" || reason === "UND_ERR_BODY_TIMEOUT" || reason === "UND_ERR_CONNECT_TIMEOUT") {
    return new XmgrError("timeout", `No answer from ${where} in time.`, "Check --url and the network, or raise --timeout.");
  }
  if (reason === "ECONNREFUSED") {
    return new XmgrError("connection", `Cannot connect to ${where}: connection refused.`, "Check --url (Prosody's HTTPS port is 5281 by default).");
  }
  if (reason === "ENOTFOUND" || reason === "EAI_AGAIN") {
    return new XmgrError("connection", `Cannot connect to ${where}: the host name does not resolve.`, "Check --url, or give --http-server.");
  }
  if (reason === "ERR_SSL_TLSV1_UNRECOGNIZED_NAME") {
    return new XmgrError("tls", `TLS failed: the server at ${where} has no certificate for ${url.hostname}.`, "Check the host name in --url.");
  }
  if (reason === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return new XmgrError("tls", `The certificate of ${where} is for another name.`, "The URL's host must be a name on the certificate.");
  }
  if (reason && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_SSL|ERR_TLS/.test(reason)) {
    return new XmgrError("tls", `The certificate of ${where} is not trusted (${reason}).`, UNTRUSTED_CERTIFICATE_HINT);
  }
  return new XmgrError("connection", `The request to ${where} failed (${reason ?? "network error"}).`);
}
