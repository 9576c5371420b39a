// Label objects kept from one scrape to the next. The exposition formats a sample's own labels once per labels
// object; a family that built a fresh object per series every scrape (eight namespaces per container, four task
// states...) had 20,000 of them formatted and escaped again at each scrape of 1,000 containers.
import type { Labels } from './family.js';

/** Labels by key; bounded, since keys come from the host (interface names, namespace inodes) and may churn. */
export class LabelSets<K> {
  private readonly sets = new Map<K, Labels>();

  constructor(private readonly max = 50_000) {}

  /** The labels kept for `key`, if any. */
  find(key: K): Labels | undefined {
    return this.sets.get(key);
  }

  /** Keeps `labels` for `key` (and gives them back). */
  keep(key: K, labels: Labels): Labels {
    if (this.sets.size >= this.max) this.sets.clear();
    this.sets.set(key, labels);
    return labels;
  }

  /** The labels kept for `key`, or `make()`'s, kept for next time. */
  get(key: K, make: (key: K) => Labels): Labels {
    return this.sets.get(key) ?? this.keep(key, make(key));
  }
}
