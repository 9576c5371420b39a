// The reference exposition: metric definitions bound to a prom-client Registry of our own (never the global one).
// The exporter writes its exposition itself (exposition.ts: prom-client's registry was most of a large scrape's
// cost); the tests hold that writer to this registry's output byte for byte, so prom-client's types, names,
// escaping and validation stay the standard. The
// container_label_* names depend on the containers of the snapshot (prom-client fixes label names per metric), so
// the container-labelled metrics are bound again whenever the set of those names changes.
import { Counter, Gauge, Registry, type RegistryContentType } from 'prom-client';
import type { HostSnapshot } from '../snapshot/model.js';
import { BASE_LABELS, type ContainerLabelPolicy } from './container-labels.js';
import { hasContainerLabels, sampleLabels, samplesOf, type MetricDef } from './family.js';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export class SnapshotRegistry {
  readonly registry: Registry<RegistryContentType>;
  private snapshot: HostSnapshot | undefined;
  /** The container_label_* names the container-labelled metrics are bound with. */
  private boundNames = '';

  constructor(
    private readonly defs: readonly MetricDef[],
    format: ExpositionFormat,
    private readonly policy: ContainerLabelPolicy = BASE_LABELS,
  ) {
    // One registry per format: prom-client renames counters in place when it writes OpenMetrics.
    this.registry = new Registry<RegistryContentType>();
    this.registry.setContentType(format === 'openmetrics' ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE);
    this.bindAll([]);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Exposition text for one snapshot. Callers serialise calls (the renderer does). */
  async render(snapshot: HostSnapshot): Promise<string> {
    const names = this.policy.namesIn(snapshot);
    if (names.join(',') !== this.boundNames) this.bindAll(names);
    this.snapshot = snapshot;
    try {
      return await this.registry.metrics();
    } finally {
      this.snapshot = undefined;
    }
  }

  /** (Re)register every definition, in order, the container-labelled ones with `extra` label names. */
  private bindAll(extra: string[]): void {
    this.registry.clear();
    this.boundNames = extra.join(',');
    for (const def of this.defs) this.bind(def, hasContainerLabels(def) ? extra : []);
  }

  private bind(def: MetricDef, extra: string[]): void {
    const holder = this;
    const labels = this.policy.labels;
    const common = { name: def.name, help: def.help, labelNames: [...def.labelNames, ...extra], registers: [this.registry] };
    if (def.type === 'gauge') {
      new Gauge({
        ...common,
        collect() {
          this.reset();
          if (holder.snapshot) for (const s of samplesOf(def, holder.snapshot)) this.set(sampleLabels(s, labels), s.value);
        },
      });
    } else {
      new Counter({
        ...common,
        collect() {
          this.reset();
          if (holder.snapshot) for (const s of samplesOf(def, holder.snapshot)) this.inc(sampleLabels(s, labels), s.value);
        },
      });
    }
  }
}
