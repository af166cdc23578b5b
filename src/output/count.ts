// Whole numbers with thousands separators, "10,000". Not toLocaleString: its first call loads
// ICU's locale data, about 18 ms, and the command table formats a number while xmgr starts.

export function groupedCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
