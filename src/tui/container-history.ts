// Recent values per container for the detail view's charts (CPU%, memory, network and block IO rates), kept for
// every container so a detail view opens on its past. Keyed by container ID, each series a bounded ring of numbers:
// at 1,000 containers a tick records 6,000 values, and one "cpu:<64-hex id>" key string built and hashed per value
// (the History map) was the dashboard's largest own cost per tick after drawing; a full ring allocates nothing per push.

export const CONTAINER_SERIES = ['cpu', 'mem', 'netrx', 'nettx', 'ioread', 'iowrite'] as const;
export type ContainerSeries = (typeof CONTAINER_SERIES)[number];

/** One tick's values for a container; an absent field records nothing (no baseline yet: no rate, not zero). */
export type ContainerSample = Partial<Record<ContainerSeries, number>>;

/**
 * The last `length` values pushed: an array that grows to `length` (a container seen for a few ticks holds a few
 * values), then is overwritten in place, oldest first.
 */
class Ring {
  private readonly values: number[] = [];
  /** Where the next value goes once the array is full (the oldest value). */
  private next = 0;

  constructor(private readonly length: number) {}

  push(v: number): void {
    if (this.values.length < this.length) {
      this.values.push(v);
      return;
    }
    this.values[this.next] = v;
    this.next = (this.next + 1) % this.length;
  }

  /** Oldest first. */
  toArray(): number[] {
    return [...this.values.slice(this.next), ...this.values.slice(0, this.next)];
  }
}

export class ContainerHistory {
  private readonly byId = new Map<string, Map<ContainerSeries, Ring>>();

  constructor(private readonly length = 120) {}

  record(id: string, sample: ContainerSample): void {
    let series = this.byId.get(id);
    if (!series) this.byId.set(id, (series = new Map()));
    for (const key of CONTAINER_SERIES) {
      const v = sample[key];
      if (v === undefined) continue;
      let ring = series.get(key);
      if (!ring) series.set(key, (ring = new Ring(this.length)));
      ring.push(v);
    }
  }

  /** The last `length` values of one series, oldest first (a copy: read for the one container on screen). */
  get(id: string, key: ContainerSeries): readonly number[] {
    return this.byId.get(id)?.get(key)?.toArray() ?? [];
  }

  /** Forget every container not in `ids` (gone from the host). */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.byId.keys()) if (!ids.has(id)) this.byId.delete(id);
  }

  /** How many containers have series (what retain bounds). */
  get containers(): number {
    return this.byId.size;
  }
}
