// The exporter's snapshot source when the fs collector is on: each scan's running containers get their writable
// layer (upper dir) tracked by the background walker, and the snapshot carries the figures it has, so the fs family
// reads them like any other field (families never read the host).
import type { SnapshotSource } from '../../sampler/sampler.js';
import type { HostSnapshot } from '../model.js';
import type { FsUsageCache, WritableLayerUsage } from './fs-usage-cache.js';
import { upperDirHere, type RootfsReader } from './rootfs-reader.js';

export class WritableLayerSource implements SnapshotSource {
  /** The last scan's figures: handed out again while they hold the same objects (fewer survivors to promote). */
  private last: ReadonlyMap<string, WritableLayerUsage> = new Map();

  constructor(
    private readonly inner: SnapshotSource,
    private readonly rootfs: RootfsReader,
    private readonly usage: FsUsageCache,
  ) {}

  scan(): HostSnapshot {
    const snapshot = this.inner.scan();
    const tracked = new Set<string>();
    const figures = new Map<string, WritableLayerUsage>();
    for (const c of snapshot.containers) {
      if (!c.init) continue;
      const rootfs = this.rootfs.of(c);
      const dir = upperDirHere(this.rootfs.paths, rootfs);
      if (!dir) continue;
      this.usage.track(c.id, dir, rootfs?.upperDevice ?? '');
      tracked.add(c.id);
      const u = this.usage.get(c.id);
      if (u) figures.set(c.id, u);
    }
    this.rootfs.retain(snapshot.containers);
    this.usage.retain(tracked);
    if (!sameEntries(figures, this.last)) this.last = figures;
    return { ...snapshot, writableLayers: this.last };
  }
}

function sameEntries<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
