// The small entry's connection to a kept session: one line-framed conversation over its Unix
// socket. Loading node:net (with the streams it is built on) and connecting with it cost about
// 4 ms of CPU more, a sixth of a kept run, more than all else the small entry does; libuv's pipe
// handle, which node:net drives, does the same connect, write and read without them. It is
// reached through process.binding(), which Node keeps for these bindings but documents as
// deprecated (DEP0111): it is used only where that is silent (not under --pending-deprecation, where
// process.binding is Node's warning wrapper, nor under the permission model, where it throws),
// and anything unexpected at set-up falls back to node:net before a byte is sent.

export interface LinkEvents {
  /** One line received, without its newline. */
  line(text: string): void;
  /** The connection failed, was refused, or ended (by either side); called once. */
  end(): void;
}

export interface Link {
  /** Sends text; before the connection is made too (it leaves once it is: libuv queues it). */
  write(text: string): void;
  close(): void;
}

/** Lines of UTF-8 from chunks: a newline byte never occurs inside a multi-byte character. */
export function lineSplitter(onLine: (text: string) => void, maxLine: number): (chunk: Buffer) => boolean {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  return (chunk) => {
    let start = 0;
    let newline: number;
    while ((newline = chunk.indexOf(10, start)) >= 0) {
      const piece = chunk.subarray(start, newline);
      const line = pending.length ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      pendingBytes = 0;
      start = newline + 1;
      onLine(line.toString("utf8"));
    }
    if (start < chunk.length) {
      // Copied: the chunk's memory may be reused for the next read.
      pending.push(Buffer.from(chunk.subarray(start)));
      pendingBytes += chunk.length - start;
    }
    return pendingBytes <= maxLine;
  };
}

interface PipeHandle {
  connect(req: object, path: string): number;
  readStart(): number;
  writeUtf8String(req: object, text: string): number;
  close(callback?: () => void): void;
  onread: (buffer: ArrayBuffer | undefined) => void;
}
interface Bindings {
  pipe: { Pipe: new (type: number) => PipeHandle; PipeConnectWrap: new () => { oncomplete?: (status: number) => void }; constants: { SOCKET: number } };
  stream: {
    WriteWrap: new () => { handle?: unknown; oncomplete?: (status: number) => void; async?: boolean };
    streamBaseState: Int32Array;
    kReadBytesOrError: number;
    kArrayBufferOffset: number;
    kLastWriteWasAsync: number;
  };
}

/** libuv's pipe and stream bindings, when they can be had silently; else undefined. */
function bindings(): Bindings | undefined {
  try {
    const binding = (process as unknown as { binding?: (name: string) => unknown }).binding;
    // Under --pending-deprecation (or NODE_PENDING_DEPRECATION=1) Node wraps it in a function
    // named "deprecated" that prints a warning.
    if (typeof binding !== "function" || binding.name !== "binding") return undefined;
    const pipe = binding("pipe_wrap") as Bindings["pipe"];
    const stream = binding("stream_wrap") as Bindings["stream"];
    const ok =
      typeof pipe?.Pipe === "function" &&
      typeof pipe.PipeConnectWrap === "function" &&
      typeof pipe.constants?.SOCKET === "number" &&
      typeof stream?.WriteWrap === "function" &&
      stream.streamBaseState instanceof Int32Array &&
      typeof stream.kReadBytesOrError === "number" &&
      typeof stream.kArrayBufferOffset === "number" &&
      typeof stream.kLastWriteWasAsync === "number";
    return ok ? { pipe, stream } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a terminal is on fd: through tty_wrap when it can be had silently, else node:tty (which loads node:net). */
export function isTerminal(fd: number): boolean {
  try {
    const binding = (process as unknown as { binding?: (name: string) => unknown }).binding;
    if (typeof binding === "function" && binding.name === "binding") {
      const { isTTY } = binding("tty_wrap") as { isTTY?: (fd: number) => boolean };
      if (typeof isTTY === "function") return isTTY(fd);
    }
  } catch {
    // node:tty below
  }
  return process.getBuiltinModule("node:tty").isatty(fd);
}

/** The connection on libuv's pipe handle; undefined (nothing done) when it cannot be had. */
function pipeLink(path: string, events: LinkEvents, maxLine: number): Link | undefined {
  const native = bindings();
  if (!native) return undefined;
  const { Pipe, PipeConnectWrap, constants } = native.pipe;
  const { WriteWrap, streamBaseState, kReadBytesOrError, kArrayBufferOffset, kLastWriteWasAsync } = native.stream;
  let handle: PipeHandle;
  let request: InstanceType<typeof PipeConnectWrap>;
  try {
    handle = new Pipe(constants.SOCKET);
    request = new PipeConnectWrap();
  } catch {
    return undefined;
  }
  let ended = false;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    handle.close();
  };
  const end = () => {
    close();
    if (ended) return;
    ended = true;
    events.end();
  };
  // Requests in flight are held here until libuv completes them.
  const inFlight = new Set<object>();
  const split = lineSplitter((text) => {
    if (!ended) events.line(text);
  }, maxLine);
  request.oncomplete = (status: number) => {
    inFlight.delete(request);
    if (ended) return;
    if (status < 0) return end();
    handle.onread = (buffer) => {
      if (ended) return;
      const read = streamBaseState[kReadBytesOrError];
      // Node calls onread with bytes (read > 0) or with the end or an error (read < 0), never
      // with 0: anything else would be a Node that reports reads otherwise, and is ended here
      // rather than waited on for ever.
      if (read <= 0 || !(buffer instanceof ArrayBuffer)) return end();
      let chunk: Buffer;
      try {
        chunk = Buffer.from(buffer, streamBaseState[kArrayBufferOffset], read);
      } catch {
        return end();
      }
      if (!split(chunk)) end();
    };
    if (handle.readStart() < 0) return end();
  };
  let error: number;
  try {
    error = handle.connect(request, path);
  } catch {
    close();
    return undefined;
  }
  inFlight.add(request);
  // Refused at once (no such socket, nobody listening): reported as an end, after this returns.
  if (error < 0) queueMicrotask(end);
  return {
    write(text) {
      if (closed) return;
      const write = new WriteWrap();
      write.handle = handle;
      write.async = false;
      write.oncomplete = (status) => {
        inFlight.delete(write);
        if (status < 0) end();
      };
      if (handle.writeUtf8String(write, text) < 0) return end();
      // A write that completed at once has no oncomplete to come; one that did not is held until it does.
      if (streamBaseState[kLastWriteWasAsync]) inFlight.add(write);
    },
    close: () => {
      ended = true;
      close();
    },
  };
}

/** The connection on node:net: what the pipe handle stands in for. */
function netLink(path: string, events: LinkEvents, maxLine: number): Link {
  const socket = process.getBuiltinModule("node:net").connect(path);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    socket.destroy();
    events.end();
  };
  const split = lineSplitter((text) => {
    if (!ended) events.line(text);
  }, maxLine);
  socket.on("error", () => undefined);
  socket.on("close", end);
  socket.on("data", (chunk: Buffer) => {
    if (!split(chunk)) end();
  });
  return {
    write: (text) => void (socket.destroyed || socket.write(text)),
    close: () => {
      ended = true;
      socket.destroy();
    },
  };
}

/** Connects to the Unix socket at `path`; `events` tell what happens. */
export function openLink(path: string, events: LinkEvents, maxLine = 1 << 20): Link {
  return pipeLink(path, events, maxLine) ?? netLink(path, events, maxLine);
}
