// xmgr muc create ROOM [--name …] --persistent [--members-only] [--public]: create a room by
// joining it (the admin becomes its owner), configure it with the owner's form, read the
// configuration back, and leave.
import { XmgrError, usageError } from "../../errors.js";
import { configRequest, configSubmit, discoInfoRequest, parseRoomConfig, type RoomConfig } from "../../protocol/muc.js";
import { readStanzaError } from "../../protocol/stanza-error.js";
import { NOT_IN_XML } from "../../protocol/xml-chars.js";
import { defineCommand } from "../define.js";
import { joinRoom, leaveRoom } from "./occupancy.js";
import { parseRoom, roomFailure } from "./rooms.js";

interface CreateOptions {
  name?: string;
  persistent?: boolean;
  membersOnly?: boolean;
  public?: boolean;
}

const yesNo = (value: boolean) => (value ? "yes" : "no");

function checkName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (name.length > 1000 || /\p{Cc}/u.test(name) || NOT_IN_XML.test(name)) {
    throw usageError("Invalid --name: it must be under 1000 characters without control characters.");
  }
  return name;
}

export function configRows(config: RoomConfig): { field: string; value: string }[] {
  return [
    { field: "Name", value: config.name },
    { field: "Description", value: config.description },
    { field: "Persistent", value: yesNo(config.persistent) },
    { field: "Public", value: yesNo(config.public) },
    { field: "Members only", value: yesNo(config.membersOnly) },
    { field: "Moderated", value: yesNo(config.moderated) },
    { field: "Password", value: yesNo(config.passwordProtected) },
    { field: "Real JIDs seen by", value: config.whois ?? "" },
  ];
}

export default defineCommand<{ room: string }, CreateOptions>({
  section: "muc",
  name: "create",
  summary: "create a room, with you as its owner",
  details:
    "Joins the new room (which creates it and makes the login account its owner), submits the owner's configuration form with the settings given, reads the configuration back and leaves. " +
    "--persistent is required: the server destroys a room that is not persistent as soon as its last occupant leaves, and xmgr leaves at once. " +
    "Rooms are hidden unless --public: xmgr sends that setting either way, as servers differ in their default (Prosody 13 hides new rooms, ejabberd lists them).",
  args: [{ name: "room", kind: "room", help: "the new room's JID, e.g. lobby@chat.example.com" }],
  options: [
    { long: "--name", value: "TEXT", help: "the room's title" },
    { long: "--persistent", help: "keep the room when nobody is in it (required: xmgr leaves right away)" },
    { long: "--members-only", help: "only owners, admins and members may join" },
    { long: "--public", help: "list the room in the service's room list (disco#items)" },
  ],
  examples: ["xmgr muc create lobby@chat.example.com --persistent --public --name 'The lobby'", "xmgr muc create staff@chat.example.com --persistent --members-only"],
  transport: "xmpp",
  batch: "write",
  check: (args) => `xmgr muc info ${args.room}`,
  async run({ sessions, output }, { room: roomText }, options) {
    const room = parseRoom(roomText);
    const name = checkName(options.name);
    if (!options.persistent) {
      throw usageError(
        "Add --persistent: the server destroys a room that is not persistent when its last occupant leaves, and xmgr leaves right after creating it.",
        `Example: xmgr muc create ${room} --persistent`,
      );
    }
    const config = await sessions.use(async ({ session, login }) => {
      const existing = await session.request(discoInfoRequest(room));
      if (existing.attrs.type === "result") throw new XmgrError("failure", `${room} already exists; nothing was changed.`, `See it with: xmgr muc info ${room}`);
      const error = readStanzaError(existing);
      if (error.condition !== "item-not-found") throw roomFailure(error, room, { message: `${room} could not be looked up` });
      const nick = login.local;
      const joined = await joinRoom(session, room, nick);
      try {
        if (!joined.statuses.includes("201")) throw new XmgrError("failure", `${room} was created by someone else in the meantime; nothing was changed.`);
        const settings = { persistent: true, ...(name !== undefined && { name }), ...(options.membersOnly && { membersOnly: true }), public: options.public === true };
        const configured = await session.request(configSubmit(room, settings));
        if (configured.attrs.type === "error") {
          throw roomFailure(readStanzaError(configured), room, { message: `${room} refused its configuration` });
        }
        const readBack = await session.request(configRequest(room));
        const config = readBack.attrs.type === "result" ? parseRoomConfig(readBack) : undefined;
        if (!config) throw new XmgrError("failure", `${room} was created, but its configuration could not be read back.`, `See it with: xmgr muc info ${room}`);
        return config;
      } finally {
        await leaveRoom(session, room, nick);
      }
    });
    if (output.json) {
      output.jsonData({ room, created: true, config });
      return;
    }
    output.table([{ title: "Setting", cell: (row) => row.field }, { title: "Value", cell: (row) => row.value }], configRows(config));
    output.ok(`Created ${room}; you are its owner`);
  },
});
