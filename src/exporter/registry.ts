// Binds metric definitions to a prom-client Registry of our own (never the global one). Values are pulled at
// scrape time from the snapshot the renderer hands over, so a scrape never sees two snapshots mixed.
import { Counter, Gauge, Registry, type RegistryContentType } from 'prom-client';
import type { HostSnapshot } from '../snapshot/model.js';
import type { MetricDef } from './family.js';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export class SnapshotRegistry {
  readonly registry: Registry<RegistryContentType>;
  private snapshot: HostSnapshot | undefined;

  constructor(defs: readonly MetricDef[], format: ExpositionFormat) {
    // One registry per format: prom-client renames counters in place when it writes OpenMetrics.
    this.registry = new Registry<RegistryContentType>();
    this.registry.setContentType(format === 'openmetrics' ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE);
    for (const def of defs) this.bind(def);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Exposition text for one snapshot. Callers serialise calls (the renderer does). */
  async render(snapshot: HostSnapshot): Promise<string> {
    this.snapshot = snapshot;
    try {
      return await this.registry.metrics();
    } finally {
      this.snapshot = undefined;
    }
  }

  private bind(def: MetricDef): void {
    const holder = this;
    const common = { name: def.name, help: def.help, labelNames: [...def.labelNames], registers: [this.registry] };
    if (def.type === 'gauge') {
      new Gauge({
        ...common,
        collect() {
          this.reset();
          if (holder.snapshot) for (const s of def.samples(holder.snapshot)) this.set(s.labels, s.value);
        },
      });
    } else {
      new Counter({
        ...common,
        collect() {
          this.reset();
          if (holder.snapshot) for (const s of def.samples(holder.snapshot)) this.inc(s.labels, s.value);
        },
      });
    }
  }
}
