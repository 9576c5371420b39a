// Recent values for the graphs, one bounded series per key: the host's CPU and memory, and each container's series
// (container-history.ts keeps one History a container and forgets the containers that are gone).
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
}
