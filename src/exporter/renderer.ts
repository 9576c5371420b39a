// Turns the provider's snapshot into exposition text. Renders of one format run one at a time and a render is
// reused while the snapshot is unchanged, so concurrent scrapes of a fresh snapshot cost one render.
import type { HostSnapshot } from '../snapshot/model.js';
import type { Collector, MetricDef } from './family.js';
import { SnapshotRegistry, type ExpositionFormat } from './registry.js';
import type { SnapshotProvider } from './snapshots.js';

export interface Exposition {
  contentType: string;
  body: string;
}

interface FormatState {
  registry: SnapshotRegistry;
  queue: Promise<unknown>;
  last?: { snapshot: HostSnapshot; body: Promise<string> };
}

export class MetricsRenderer {
  private readonly formats: Record<ExpositionFormat, FormatState>;

  constructor(
    private readonly provider: SnapshotProvider,
    collectors: readonly Collector[],
  ) {
    const defs: MetricDef[] = collectors.flatMap((c) => c.metrics);
    this.formats = {
      prometheus: { registry: new SnapshotRegistry(defs, 'prometheus'), queue: Promise.resolve() },
      openmetrics: { registry: new SnapshotRegistry(defs, 'openmetrics'), queue: Promise.resolve() },
    };
  }

  async render(format: ExpositionFormat): Promise<Exposition> {
    const snapshot = await this.provider.get();
    const state = this.formats[format];
    if (state.last?.snapshot !== snapshot) {
      const body = state.queue.then(() => state.registry.render(snapshot));
      state.queue = body.catch(() => undefined);
      state.last = { snapshot, body };
    }
    return { contentType: state.registry.contentType, body: await state.last.body };
  }
}

/** OpenMetrics only when the scraper asks for it, as Prometheus does with its Accept header. */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  return accept && /application\/openmetrics-text/i.test(accept) ? 'openmetrics' : 'prometheus';
}
