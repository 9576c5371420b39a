// Turns the provider's snapshot into exposition text. Renders of one format run one at a time and a render is
// reused while the snapshot is unchanged, so concurrent scrapes of a fresh snapshot cost one render.
import type { HostSnapshot } from '../snapshot/model.js';
import type { ContainerLabelPolicy } from './container-labels.js';
import type { Collector, MetricDef } from './family.js';
import { SnapshotRegistry, type ExpositionFormat } from './registry.js';
import type { SnapshotProvider } from './snapshots.js';

export interface Exposition {
  contentType: string;
  body: string;
  /** body encoded once per render, shared by every response that serves it */
  bytes: Buffer;
}

interface FormatState {
  registry: SnapshotRegistry;
  queue: Promise<unknown>;
  last?: { snapshot: HostSnapshot; rendered: Promise<{ body: string; bytes: Buffer }> };
}

export class MetricsRenderer {
  private readonly formats: Record<ExpositionFormat, FormatState>;

  constructor(
    private readonly provider: SnapshotProvider,
    collectors: readonly Collector[],
    labels?: ContainerLabelPolicy,
  ) {
    const defs: MetricDef[] = collectors.flatMap((c) => c.metrics);
    this.formats = {
      prometheus: { registry: new SnapshotRegistry(defs, 'prometheus', labels), queue: Promise.resolve() },
      openmetrics: { registry: new SnapshotRegistry(defs, 'openmetrics', labels), queue: Promise.resolve() },
    };
  }

  async render(format: ExpositionFormat): Promise<Exposition> {
    const snapshot = await this.provider.get();
    const state = this.formats[format];
    if (state.last?.snapshot !== snapshot) {
      const rendered = state.queue.then(async () => {
        const body = await state.registry.render(snapshot);
        return { body, bytes: Buffer.from(body, 'utf8') };
      });
      state.queue = rendered.catch(() => undefined);
      state.last = { snapshot, rendered };
    }
    return { contentType: state.registry.contentType, ...(await state.last.rendered) };
  }
}

/** OpenMetrics only when the scraper asks for it, as Prometheus does with its Accept header. */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  return accept && /application\/openmetrics-text/i.test(accept) ? 'openmetrics' : 'prometheus';
}
