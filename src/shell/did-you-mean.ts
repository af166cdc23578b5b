// "Did you mean user list?": the known word nearest to a mistyped one, when it is near enough.

/** Levenshtein distance, with a swap of two neighbours counting as one edit (usr/user, lsit/list). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

/** The candidate nearest to `word` within a third of its length (at least 1 edit, at most 3), if one is nearest. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const scored = candidates.map((candidate) => ({ candidate, distance: editDistance(word.toLowerCase(), candidate) })).filter(({ distance }) => distance <= limit);
  scored.sort((x, y) => x.distance - y.distance);
  if (scored.length === 0 || (scored.length > 1 && scored[1].distance === scored[0].distance)) return undefined;
  return scored[0].candidate;
}

export const didYouMean = (word: string, candidates: readonly string[], render: (found: string) => string = (found) => found): string => {
  const found = nearest(word, candidates);
  return found === undefined ? "" : ` Did you mean ${render(found)}?`;
};
