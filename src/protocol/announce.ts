// mod_announce's answer to admin#announce: "Announcement sent to 2 online users". Pure: no I/O.

/** How many online users the announcement went to; undefined when the note says no number. */
export function announcedTo(note: string): number | undefined {
  const match = /sent to (\d+) online users?/.exec(note);
  return match ? Number(match[1]) : undefined;
}
