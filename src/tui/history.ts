// Recent values for the graphs: host CPU and memory, and per container CPU% and memory. Bounded in length and
// forgetting containers that are gone, so a long-running dashboard does not grow.
export class History {
  private readonly series = new Map<string, number[]>();

  constructor(private readonly length = 120) {}

  push(key: string, value: number): void {
    const s = this.series.get(key) ?? [];
    s.push(value);
    if (s.length > this.length) s.splice(0, s.length - this.length);
    this.series.set(key, s);
  }

  get(key: string): readonly number[] {
    return this.series.get(key) ?? [];
  }

  /** Drop every series whose key does not pass `keep`. */
  retain(keep: (key: string) => boolean): void {
    for (const k of this.series.keys()) if (!keep(k)) this.series.delete(k);
  }
}
