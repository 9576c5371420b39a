// A one-line graph of recent values, newest on the right, in block characters (no braille, no ACS).
const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** `max` fixes the scale (100 for percentages); otherwise the largest value shown is the top. */
export function sparkline(values: readonly number[], width: number, max?: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const top = max ?? Math.max(0, ...shown);
  const bars = shown.map((v) => {
    if (!(top > 0) || !(v > 0)) return BARS[0];
    const i = Math.round((Math.min(v, top) / top) * (BARS.length - 1));
    return BARS[i];
  });
  return ' '.repeat(width - bars.length) + bars.join('');
}
