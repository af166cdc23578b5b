// The parts of the @xmpp/* 0.14 packages that xmgr uses; they ship no type declarations.

declare module "@xmpp/xml" {
  export class Element {
    constructor(name: string, attrs?: Record<string, unknown>);
    name: string;
    attrs: Record<string, any>;
    children: Array<Element | string>;
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getNS(): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    text(): string;
    toString(): string;
  }
  export class Parser {
    on(event: "start" | "element" | "end", listener: (element: Element) => void): this;
    on(event: "error", listener: (error: Error) => void): this;
    write(data: string): void;
    end(data?: string): void;
  }
  type Child = Element | string | false | null | undefined;
  interface xml {
    (name: string, attrs?: Record<string, unknown> | null, ...children: Array<Child | Child[]>): Element;
    Element: typeof Element;
    Parser: typeof Parser;
  }
  const xml: xml;
  export default xml;
}

declare module "ltx/lib/parse.js" {
  import type { Element } from "@xmpp/xml";
  export default function parse(xml: string): Element;
}

declare module "@xmpp/client-core" {
  import type { Element } from "@xmpp/xml";
  export function jid(local: string, domain: string): { toString(): string; bare(): { toString(): string } };
  export class Client {
    constructor(options: { domain: string; service?: string; timeout?: number; lang?: string });
    jid: { toString(): string; bare(): { toString(): string } } | null;
    status: string;
    socket: { socket?: unknown; secure?: boolean; end(): void } | null;
    transports: unknown[];
    options: { domain: string; service?: string };
    timeout: number;
    isSecure(): boolean;
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    send(element: Element): Promise<void>;
    write(data: string): Promise<void>;
    on(event: string, listener: (...args: any[]) => void): this;
    off(event: string, listener: (...args: any[]) => void): this;
    once(event: string, listener: (...args: any[]) => void): this;
    emit(event: string, ...args: unknown[]): boolean;
    setMaxListeners(n: number): this;
    _attachSocket(socket: unknown): void;
    restart(): Promise<unknown>;
    connect(service: string): Promise<unknown>;
    open(options: { domain: string; lang?: string }): Promise<unknown>;
    /** Feeds bytes from the socket to the parser (null between streams and after a parse error). */
    _onData(data: Buffer): void;
    parser: { root: { children: unknown[] } | null; write(data: string): void } | null;
  }
}

declare module "@xmpp/tls/lib/Connection.js" {
  export default class ConnectionTLS {
    socketParameters(service: string): { port: number; host: string } | undefined;
  }
}
declare module "@xmpp/tls/lib/Socket.js" {
  export default class TLSSocket {
    socket: import("node:tls").TLSSocket | null;
    secure: true;
    connect(options: import("node:tls").ConnectionOptions): void;
    once(event: string, listener: (...args: any[]) => void): this;
  }
}
declare module "@xmpp/middleware" {
  export default function middleware(options: { entity: unknown }): { use(handler: (ctx: any, next: () => unknown) => unknown): unknown };
}
declare module "@xmpp/stream-features" {
  export default function streamFeatures(options: { middleware: unknown }): {
    use(name: string, xmlns: string, handler: (...args: any[]) => unknown): void;
  };
}
declare module "@xmpp/tcp" {
  export default function tcp(options: { entity: unknown }): void;
}
declare module "@xmpp/sasl2" {
  export default function sasl2(
    options: { streamFeatures: unknown; saslFactory: unknown },
    onAuthenticate: (...args: any[]) => Promise<void>,
  ): { use(ns: string, req: unknown, res: unknown): void; setup(options: { fast: unknown }): void };
}
declare module "@xmpp/sasl" {
  export default function sasl(
    options: { streamFeatures: unknown; saslFactory: unknown },
    onAuthenticate: (...args: any[]) => Promise<void>,
  ): void;
}
declare module "@xmpp/resource-binding" {
  export default function resourceBinding(options: { streamFeatures: unknown; iqCaller: unknown }, resource: string): void;
}
declare module "@xmpp/iq/caller.js" {
  export default function iqCaller(options: { middleware: unknown; entity: unknown }): unknown;
}
declare module "@xmpp/client-core/src/bind2/bind2.js" {
  export default function bind2(options: { sasl2: unknown; entity: unknown }, tag: string): unknown;
}
declare module "@xmpp/client-core/src/fast/fast.js" {
  import type SASLFactory from "saslmechanisms";
  export interface FastAuthRequest {
    /** @xmpp/sasl2's authenticate(): runs one SASL2 exchange with these parts. */
    authenticate(request: Omit<FastAuthRequest, "authenticate"> & { saslFactory: SASLFactory; mechanism: string }): Promise<void>;
    entity: unknown;
    userAgent: unknown;
    credentials: { username: string; password: unknown; token?: unknown };
    /** Inline features to send with <authenticate> (a FAST login may push <request-token/>). */
    streamFeatures: unknown[];
    features: unknown;
  }
  export interface Fast {
    saslFactory: SASLFactory;
    mechanism: string | null;
    /** The FAST mechanisms offered that saslFactory has, in saslFactory's order. */
    mechanisms: string[];
    fetchToken(): Promise<unknown>;
    saveToken(token: unknown): Promise<void>;
    deleteToken(): Promise<void>;
    delete(): Promise<void>;
    /** Tries a FAST login; false: go on with the password. */
    auth(request: FastAuthRequest): Promise<boolean>;
  }
  export default function fast(options: { sasl2: unknown; entity: unknown }): Fast;
}
declare module "@xmpp/sasl-plain" {
  export default function plain(factory: unknown): void;
}
declare module "saslmechanisms" {
  export default class SASLFactory {
    _mechs: Array<{ name: string; mech: unknown }>;
    use(mech: unknown): this;
    use(name: string, mech: unknown): this;
    create(names: string[]): unknown;
  }
}
declare module "@xmpp/sasl-ht-sha-256-none" {
  /** @xmpp's WebCrypto HT-SHA-256-NONE: only the tests use it, as a reference for src/xmpp/hashed-token.ts. */
  export const Mechanism: new () => { response(credentials: { username: string; password: string }): Promise<string> };
}
