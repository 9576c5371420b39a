// Recent values per container for the detail view's charts (CPU%, memory, network and block IO rates), kept for
// every container so a detail view opens on its past. Keyed by container ID, then by one of six constant series
// names, each a History series (bounded, trimmed in batches): at 1,000 containers a tick records 6,000 values, and
// one "cpu:<64-hex id>" key string built and hashed per value (one flat History map) was the dashboard's largest
// own cost per tick after drawing.
import { History } from './history.js';

export const CONTAINER_SERIES = ['cpu', 'mem', 'netrx', 'nettx', 'ioread', 'iowrite'] as const;
export type ContainerSeries = (typeof CONTAINER_SERIES)[number];

/** One tick's values for a container; an absent field records nothing (no baseline yet: no rate, not zero). */
export type ContainerSample = Partial<Record<ContainerSeries, number>>;

export class ContainerHistory {
  private readonly byId = new Map<string, History>();

  constructor(private readonly length = 120) {}

  record(id: string, sample: ContainerSample): void {
    let series = this.byId.get(id);
    if (!series) this.byId.set(id, (series = new History(this.length)));
    for (const key of CONTAINER_SERIES) {
      const v = sample[key];
      if (v !== undefined) series.push(key, v);
    }
  }

  /** The last `length` values of one series, oldest first (a copy: read for the one container on screen). */
  get(id: string, key: ContainerSeries): readonly number[] {
    return [...(this.byId.get(id)?.get(key) ?? [])];
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
