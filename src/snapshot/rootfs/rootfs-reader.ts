// Containers' root filesystems, read only when a consumer asks (the detail view, inspect, the fs collector) and kept
// per mount namespace: a namespace's root and layers do not change while it lives, so a container is read once.
// Mounts made later inside it (a volume plugin's) show after a `forget` or once the namespace is new.
import { join } from 'node:path';
import { runtimeKnowledge } from '../../discovery/adapters/index.js';
import type { DiscoveryContext } from '../../discovery/types.js';
import { readMountinfo, type MountEntry } from '../../host/procfs/mountinfo.js';
import { readNamespace } from '../../host/procfs/namespaces.js';
import type { HostPaths } from '../../host/paths.js';
import { HostReader } from '../../host/reader.js';
import type { Container } from '../model.js';
import { describeRootfs } from './describe.js';
import type { ContainerRootfs } from './model.js';

/** The host's own mount table is read again after this long (new volumes, new containers' mounts). */
const HOST_MOUNTS_TTL_MS = 2000;

export class RootfsReader {
  private readonly reader: HostReader;
  private readonly byNamespace = new Map<number, ContainerRootfs>();
  private host: { at: number; mounts: MountEntry[] } | undefined;
  /** The adapters' memo (a store's layer index), shared by the containers read while the host table is fresh. */
  private memo = new Map<string, unknown>();
  /** Mount namespaces read (for tests and the cost figures: each is one mountinfo read). */
  reads = 0;

  constructor(
    readonly paths: HostPaths,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.reader = new HostReader(paths, { keepNotes: false });
  }

  /** The container's root filesystem; undefined when it runs nothing, or its init went away while being read. */
  of(c: Container): ContainerRootfs | undefined {
    if (!c.init) return undefined;
    const mnt = c.namespaces.find((n) => n.type === 'mnt');
    if (mnt?.sharedWithHost) return { kind: 'host', fsType: '', source: '/', lower: [], readOnly: false, mounts: [] };
    const cached = mnt ? this.byNamespace.get(mnt.inode) : undefined;
    if (cached) return cached;
    const rootfs = this.read(c, mnt?.inode);
    if (rootfs && mnt) this.byNamespace.set(mnt.inode, rootfs);
    return rootfs;
  }

  /** Forget the namespaces of containers no longer among `live` (call once a scan). */
  retain(live: readonly Container[]): void {
    if (this.byNamespace.size === 0) return;
    const keep = new Set<number>();
    for (const c of live) for (const n of c.namespaces) if (n.type === 'mnt') keep.add(n.inode);
    for (const inode of this.byNamespace.keys()) if (!keep.has(inode)) this.byNamespace.delete(inode);
  }

  private read(c: Container, mntInode: number | undefined): ContainerRootfs | undefined {
    const pid = c.init!.hostPid;
    const own = readMountinfo(this.reader, pid);
    if (!own) return undefined;
    this.reads++;
    // the PID may have been reused between the scan and this read: the table must be the namespace's the scan saw
    if (mntInode !== undefined && readNamespace(this.reader, pid, 'mnt') !== mntInode) return undefined;
    const host = this.hostMounts();
    const rootfs = describeRootfs(own.mounts, host);
    if (!rootfs || rootfs.lower.length === 0) return rootfs;
    const hook = runtimeKnowledge(c.runtime)?.imageLayers;
    if (!hook) return rootfs;
    const ctx: DiscoveryContext = { paths: this.paths, reader: this.reader, memo: this.memo, note: () => undefined };
    const names = hook(
      rootfs.lower.map((l) => l.path),
      ctx,
    );
    return { ...rootfs, lower: rootfs.lower.map((l, i) => ({ ...l, ...names[i], path: names[i]?.path ?? l.path })) };
  }

  /** The host's mount table: PID 1's (the host's init, also under --root with the host's /proc). */
  private hostMounts(): MountEntry[] {
    const at = this.now();
    if (this.host && at - this.host.at < HOST_MOUNTS_TTL_MS) return this.host.mounts;
    const mounts = readMountinfo(this.reader, 1)?.mounts ?? [];
    this.host = { at, mounts };
    this.memo = new Map(); // the stores may have changed as much as the mounts
    return mounts;
  }
}

/** A container's upper dir as a path to open here (under the root the host is read at). */
export function upperDirHere(paths: HostPaths, rootfs: ContainerRootfs | undefined): string | undefined {
  const upper = rootfs?.upper;
  if (!upper?.startsWith('/')) return undefined;
  return paths.root === '/' ? upper : join(paths.root, upper);
}
