// Times as prosodyctl shell shows them: the date when a day or more old, else the time of day.
const DAY_MS = 24 * 60 * 60 * 1000;
const pad = (n: number) => String(n).padStart(2, "0");

export function readableTime(iso: string | undefined, now: Date = new Date()): string {
  if (!iso) return "";
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return "";
  if (now.getTime() - time.getTime() >= DAY_MS) {
    return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}`;
  }
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
}

/**
 * A time in JSON output: RFC 3339 in UTC, to the second ("2026-12-05T16:07:11Z"), the one format
 * of every command's --json. Undefined for what is no time.
 */
export function jsonTime(time: Date | string | number | undefined): string | undefined {
  if (time === undefined || time === "") return undefined;
  const date = time instanceof Date ? time : new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
