// mod_admin_adhoc's s2s#list result: one line per server-to-server connection of the host,
// " -> remote.example [s2sout1a2b] (authenticated, encrypted)", and the two counts. Pure: no I/O.
import type { DataForm } from "./data-form.js";
import { fieldValues } from "./data-form.js";

export interface S2sConnection {
  direction: "in" | "out";
  remote: string;
  id: string;
  flags: string[];
}

export interface S2sList {
  connections: S2sConnection[];
  incoming: number;
  outgoing: number;
}

const LINE = /^\s*(->|<-)\s+(\S+)\s+\[([^\]]*)\]\s*(?:\(([^)]*)\))?\s*$/;

export function parseS2sList(form: DataForm | undefined): S2sList {
  const lines = (fieldValues(form?.fields ?? [], "sessions") ?? []).flatMap((value) => value.split("\n")).filter((line) => line.trim() !== "");
  const connections = lines.flatMap((line): S2sConnection[] => {
    const match = LINE.exec(line);
    if (!match) return [];
    const flags = (match[4] ?? "").split(",").map((flag) => flag.trim()).filter(Boolean);
    return [{ direction: match[1] === "->" ? "out" : "in", remote: match[2], id: match[3], flags }];
  });
  const count = (name: string, direction: "in" | "out") => {
    const value = fieldValues(form?.fields ?? [], name)?.[0];
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : connections.filter((connection) => connection.direction === direction).length;
  };
  return { connections, incoming: count("num_in", "in"), outgoing: count("num_out", "out") };
}
