// Recent values for the graphs: host CPU and memory, and per container CPU% and memory. Bounded in length and
// forgetting containers that are gone, so a long-running dashboard does not grow.
export class History {
  private readonly series = new Map<string, number[]>();

  constructor(private readonly length = 120) {}

  push(key: string, value: number): void {
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = []));
    s.push(value);
    // trimmed a quarter of its length at a time, not at every push: a dashboard of 1,000 containers pushes 6,000
    // values a tick, and shifting each full series by one was most of its per-tick model work
    if (s.length >= this.length + Math.max(4, this.length >> 2)) s.splice(0, s.length - this.length);
  }

  /** The last `length` values, oldest first. */
  get(key: string): readonly number[] {
    const s = this.series.get(key);
    if (!s) return [];
    return s.length > this.length ? s.slice(s.length - this.length) : s;
  }

  /** Drop every series whose key does not pass `keep`. */
  retain(keep: (key: string) => boolean): void {
    for (const k of this.series.keys()) if (!keep(k)) this.series.delete(k);
  }
}
