// Turns the provider's snapshot into exposition text. A render is kept while the snapshot is unchanged and some
// response still sends it, so the concurrent scrapes that share a scan share its rendered body too (one render per
// format and scan). Between scrapes no body is held (10 MB at 1,000 containers): its chunks wait in the pool for
// the next one. With a max age (`keepLast`) the newest body is held, for the scrapes the same snapshot will answer.
import type { HostSnapshot } from '../snapshot/model.js';
import type { ContainerLabelPolicy } from './container-labels.js';
import { type Body, ExpositionWriter } from './exposition.js';
import type { Collector, MetricDef } from './family.js';
import { Registry } from 'prom-client';
import type { ExpositionFormat } from './registry.js';
import type { SnapshotProvider } from './snapshots.js';

export interface Exposition {
  contentType: string;
  /** the body's bytes, written once per render and shared by every response that serves it */
  chunks: readonly Buffer[];
  length: number;
  /** the body as text (decoded on demand: only the bytes are kept) */
  readonly body: string;
  /** render() hands each caller a hold on the bytes; a response gives it back once sent or its connection gone. */
  release(): void;
}

const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  prometheus: Registry.PROMETHEUS_CONTENT_TYPE,
  openmetrics: Registry.OPENMETRICS_CONTENT_TYPE,
};

class Rendered implements Exposition {
  readonly chunks: readonly Buffer[];
  readonly length: number;

  constructor(
    readonly contentType: string,
    private readonly rendered: Body,
  ) {
    this.chunks = rendered.chunks;
    this.length = rendered.length;
  }

  get body(): string {
    return this.rendered.text();
  }

  /** Another hold on the bytes (render() takes one for its caller). */
  retain(): void {
    this.rendered.retain();
  }

  /** Another hold, if any is left: a body no one holds has gone back to the pool. */
  tryRetain(): boolean {
    if (!this.rendered.held) return false;
    this.rendered.retain();
    return true;
  }

  release(): void {
    this.rendered.release();
    if (!this.rendered.held) this.onFree?.();
  }

  /** Called once the last hold is given back. */
  onFree: (() => void) | undefined;
}

export class MetricsRenderer {
  private readonly writer: ExpositionWriter;
  private readonly last: Partial<Record<ExpositionFormat, { snapshot: HostSnapshot; exposition: Rendered }>> = {};

  constructor(
    readonly provider: SnapshotProvider,
    collectors: readonly Collector[],
    labels?: ContainerLabelPolicy,
    /** Hold the newest body between scrapes (when the provider serves one snapshot to sequential scrapes). */
    private readonly keepLast = false,
  ) {
    const defs: MetricDef[] = collectors.flatMap((c) => c.metrics);
    this.writer = new ExpositionWriter(defs, labels);
  }

  /** The exposition of a fresh snapshot, held for the caller until it calls release() (or drops it to the GC). */
  async render(format: ExpositionFormat, client?: object): Promise<Exposition> {
    const snapshot = await this.provider.get(client);
    const last = this.last[format];
    if (last?.snapshot === snapshot && last.exposition.tryRetain()) return last.exposition;
    // only the newest render of a format is kept: a snapshot another format rendered is not held for it
    const exposition = new Rendered(CONTENT_TYPES[format], this.writer.render(snapshot, format));
    if (this.keepLast) {
      // the renderer's hold on the body it replaces ends (responses still sending it hold their own)
      last?.exposition.release();
      exposition.retain();
    } else {
      // once no response holds it, neither it nor its snapshot is kept
      exposition.onFree = () => {
        if (this.last[format]?.exposition === exposition) delete this.last[format];
      };
    }
    this.last[format] = { snapshot, exposition };
    return exposition;
  }
}

/** OpenMetrics only when the scraper asks for it, as Prometheus does with its Accept header. */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  return accept && /application\/openmetrics-text/i.test(accept) ? 'openmetrics' : 'prometheus';
}
