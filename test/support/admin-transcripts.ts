// The ad-hoc transcripts of ../shared/protocol/admin (copied to test/fixtures/admin-transcripts):
// every stanza a real Prosody 13.0.1 session sent or received, in order.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Element } from "@xmpp/xml";
import parse from "ltx/lib/parse.js";
import { repoRoot } from "./xmgr.js";

export const adminTranscripts = join(repoRoot, "test", "fixtures", "admin-transcripts");

export interface Exchange {
  file: string;
  who: string;
  direction: "SEND" | "RECV";
  stanza: Element;
}

/** Every stanza of every transcript file, each marked `<!-- who SEND|RECV t=… -->`. */
export function exchanges(): Exchange[] {
  return readdirSync(adminTranscripts)
    .filter((file) => file.endsWith(".xml"))
    .sort()
    .flatMap((file) => {
      const text = readFileSync(join(adminTranscripts, file), "utf8");
      const marks = /<!-- (\S+) (SEND|RECV) t=[^>]*-->\n([\s\S]*?)(?=\n<!--|\n<\/transcript>)/g;
      return [...text.matchAll(marks)].map(([, who, direction, stanza]) => ({
        file,
        who,
        direction: direction as "SEND" | "RECV",
        stanza: parse(stanza.trim()) as unknown as Element,
      }));
    });
}

/** An element as plain data, attribute order aside and without the attributes named, for toEqual. */
export function canonical(element: Element, without: readonly string[] = []): unknown {
  const attrs = Object.fromEntries(
    Object.entries(element.attrs)
      .filter(([name]) => !without.includes(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  const children = element.children
    .filter((child) => typeof child !== "string" || child !== "")
    .map((child) => (typeof child === "string" ? child : canonical(child, without)));
  return { name: element.name, attrs, children };
}
