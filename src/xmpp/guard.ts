// What a server cannot make xmgr do: read without limit, or crash. Two guards around the
// @xmpp/connection entity:
// - capReceived: at most MAX_STANZA_BYTES and MAX_STANZA_TAGS of one top-level element (or of
//   anything sent between two of them), and MAX_TEXT_RUN bytes between two tags, so memory and time
//   stay bounded (the parser copies a text or tag it has not finished on every chunk); bytes that arrive when no parser
//   is reading are dropped instead of crashing, and an exception raised while parsing becomes an
//   "error" event;
// - startStream: entity.start() without its races: start() creates its "online" promise before it
//   awaits the stream header (an error in between was an unhandled rejection that killed the
//   process), and open() can miss the server's answer (a stream error or a close then waited for
//   the timeout).
import { StringDecoder } from "node:string_decoder";
import type { Client } from "@xmpp/client-core";
import { XmgrError } from "../errors.js";
import { groupedCount } from "../output/count.js";

const MiB = 1024 * 1024;

/**
 * The most xmgr reads of one stanza. The largest answer xmgr expects is a client list: about
 * 500 bytes a client, so 5 MB for 10,000 clients.
 */
export const MAX_STANZA_BYTES = 8 * MiB;
/** The most tags ("<") xmgr reads in one stanza: each becomes an object; a client is about 17. */
export const MAX_STANZA_TAGS = 300_000;

/** The most bytes xmgr reads without a "<": no text or tag xmgr reads is longer than a few KiB. */
export const MAX_TEXT_RUN = MiB;

function countTags(data: Buffer): number {
  let tags = 0;
  for (let at = data.indexOf(60); at !== -1; at = data.indexOf(60, at + 1)) tags++;
  return tags;
}

type SocketLike = { socket?: unknown; destroy?: () => void } | null;

/** Destroys the entity's socket: @xmpp's TLS wrapper holds node's socket, a plain TCP socket is one. */
export function destroySocket(socket: unknown): void {
  ((socket as SocketLike)?.socket as SocketLike)?.destroy?.();
  (socket as SocketLike)?.destroy?.();
}

/** Node's TLS socket under the entity, once there is one. */
export function tlsSocketOf(entity: Client): unknown {
  return (entity.socket as SocketLike)?.socket;
}

export function capReceived(entity: Client, limit = MAX_STANZA_BYTES, tagLimit = MAX_STANZA_TAGS): void {
  let pending = 0;
  let tags = 0;
  let run = 0;
  entity.on("element", () => {
    pending = 0;
    tags = 0;
    // The parser keeps text found between stanzas (whitespace keep-alives) on the stream element.
    const root = entity.parser?.root;
    if (root) root.children.length = 0;
  });
  // @xmpp/connection decodes each read on its own, which breaks a UTF-8 character split
  // between two reads; one decoder for the whole stream keeps it whole.
  const decoder = new StringDecoder("utf8");
  const feed = (data: Buffer) => entity.parser?.write(decoder.write(data));
  const stop = (error: XmgrError) => {
    entity.parser = null;
    entity.emit("error", error);
    destroySocket(entity.socket);
  };
  entity._onData = (data: Buffer) => {
    if (!entity.parser) return; // after a parse error or a stop: nothing reads this stream any more
    pending += data.length;
    tags += countTags(data);
    const lastTag = data.lastIndexOf(60);
    run = lastTag === -1 ? run + data.length : data.length - lastTag - 1;
    if (pending > limit || tags > tagLimit || run > MAX_TEXT_RUN) {
      const what =
        pending > limit ? `more than ${limit / MiB} MiB` : tags > tagLimit ? `more than ${groupedCount(tagLimit)} elements` : `more than ${MAX_TEXT_RUN / MiB} MiB of text`;
      return stop(
        new XmgrError(
          "failure",
          `The server sent ${what} without completing a stanza; xmgr stopped reading.`,
          "No answer to xmgr is that large: check --server, and the server's log.",
        ),
      );
    }
    try {
      feed(data);
    } catch {
      stop(new XmgrError("failure", "The server sent something xmgr cannot read (a malformed stanza)."));
    }
  };
}

/** Opens the socket and the stream; resolves once logged in ("online"), rejects on the first error or a close. */
export async function startStream(entity: Client, closed: () => Error): Promise<void> {
  let cleanup = () => {};
  const online = new Promise<void>((resolve, reject) => {
    const onError = (error: unknown) => reject(error);
    const onClose = () => reject(closed());
    cleanup = () => {
      entity.off("online", resolve);
      entity.off("error", onError);
      entity.off("disconnect", onClose);
    };
    entity.once("online", resolve);
    entity.on("error", onError);
    entity.on("disconnect", onClose);
  });
  online.catch(() => undefined); // handled below; this only keeps an early rejection from counting as unhandled
  try {
    await entity.connect(entity.options.service!);
    // open() waits for the "open" event, which it misses when the server answers before the header's
    // write callback: "online", "error" and "disconnect" decide, whatever open() does.
    const opened = entity.open({ domain: entity.options.domain });
    await Promise.race([online, opened.then(() => online)]);
  } finally {
    cleanup();
  }
}
