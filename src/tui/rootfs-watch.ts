// The detail view's rootfs: read only for the container on screen, once per mount namespace (rootfs-reader.ts), and
// its writable layer walked in the background (fs-usage-cache.ts) at most once a minute, so a render never waits.
import type { HostPaths } from '../host/paths.js';
import type { Container } from '../snapshot/model.js';
import { FsUsageCache } from '../snapshot/rootfs/fs-usage-cache.js';
import { RootfsReader, upperDirHere } from '../snapshot/rootfs/rootfs-reader.js';
import type { RootfsPaneInput } from './view/rootfs-pane.js';

export class RootfsWatch {
  private readonly reader: RootfsReader;
  private readonly usage: FsUsageCache;

  constructor(
    private readonly paths: HostPaths,
    refreshMs = 60_000,
  ) {
    this.reader = new RootfsReader(paths);
    this.usage = new FsUsageCache({ refreshMs });
  }

  /** The selected container's rootfs and its upper dir's size so far; only it is walked. */
  of(c: Container): RootfsPaneInput {
    const rootfs = this.reader.of(c);
    const dir = upperDirHere(this.paths, rootfs);
    if (dir) this.usage.track(c.id, dir, rootfs?.upperDevice ?? '');
    this.usage.retain(new Set(dir ? [c.id] : []));
    return { rootfs, usage: dir ? this.usage.get(c.id) : undefined };
  }

  /** No container on screen: no walk. */
  idle(): void {
    this.usage.retain(new Set());
  }

  /** Forget namespaces of containers gone (once a scan). */
  retain(live: readonly Container[]): void {
    this.reader.retain(live);
  }

  close(): void {
    this.usage.close();
  }
}
