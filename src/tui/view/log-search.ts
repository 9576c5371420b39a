// Search in the logs view: the next (or previous) line holding the text, case-insensitive, wrapping around.

/** Index of the first line after `from` (before it, with dir -1) containing `query`, wrapping; -1 when none does. */
export function findLine(lines: readonly string[], query: string, from: number, dir: 1 | -1): number {
  const q = query.toLowerCase();
  const n = lines.length;
  if (!q || n === 0) return -1;
  for (let step = 1; step <= n; step++) {
    const i = (((from + dir * step) % n) + n) % n;
    if (lines[i].toLowerCase().includes(q)) return i;
  }
  return -1;
}
