// Spans of time as people say them: "3 days, 4 hours", "1 minute, 5 seconds", "18 seconds".
const UNITS: [string, number][] = [
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** The two largest units of a whole number of seconds. */
export function readableDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 && parts.length < 2) parts.push(`${count} ${unit}${count === 1 ? "" : "s"}`);
    else if (parts.length > 0) break;
  }
  return parts.length > 0 ? parts.join(", ") : "0 seconds";
}

/** "2026-11-30 19:16:11 UTC". */
export const utcText = (time: Date): string => `${time.toISOString().slice(0, 19).replace("T", " ")} UTC`;
