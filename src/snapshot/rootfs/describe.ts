// A container's mount table + the host's -> what its root filesystem is and where its mounts come from on the host.
// Pure: the reader (rootfs-reader.ts) reads the tables and asks the runtime's adapter to name the layers.
import { posix } from 'node:path';
import { overlayLowerDirs, superOption, type MountEntry } from '../../host/procfs/mountinfo.js';
import type { ContainerRootfs, RootfsMount } from './model.js';

/** Kernel filesystems a runtime mounts in every container: plumbing, not the container's files. */
const PSEUDO_FS = new Set([
  'proc',
  'sysfs',
  'cgroup',
  'cgroup2',
  'devpts',
  'mqueue',
  'securityfs',
  'debugfs',
  'tracefs',
  'bpf',
  'fusectl',
  'configfs',
  'pstore',
  'binfmt_misc',
  'autofs',
  'hugetlbfs',
  'nsfs',
]);

/** The masks and device nodes runtimes put under these (docker's /proc/keys, /dev/shm ...). */
const PLUMBING_DIRS = ['/proc', '/sys', '/dev'];

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

/** The mount at '/': the top of any stack there (the one no other '/' mount sits on). */
export function rootMount(mounts: readonly MountEntry[]): MountEntry | undefined {
  const atRoot = mounts.filter((m) => m.mountPoint === '/');
  return atRoot.find((m) => !atRoot.some((o) => o.parentId === m.mountId && o !== m)) ?? atRoot.at(-1);
}

/**
 * The host table by device and by mount point, made once a table: the reader keeps one table for many containers,
 * each with a few mounts to place among the host's hundreds (one overlay per Docker container).
 */
interface HostIndex {
  byDevice: Map<string, MountEntry[]>;
  /** The last mount at each mount point (the one on top). */
  byMountPoint: Map<string, MountEntry>;
}

const indexes = new WeakMap<readonly MountEntry[], HostIndex>();

function indexOf(host: readonly MountEntry[]): HostIndex {
  let index = indexes.get(host);
  if (index) return index;
  index = { byDevice: new Map(), byMountPoint: new Map() };
  for (const h of host) {
    const same = index.byDevice.get(h.device);
    if (same) same.push(h);
    else index.byDevice.set(h.device, [h]);
    index.byMountPoint.set(h.mountPoint, h);
  }
  indexes.set(host, index);
  return index;
}

/**
 * Where `root` of the filesystem `device` is on the host: a host mount of the same filesystem whose root holds it
 * (the longest such root), plus the rest of the path. Undefined when the host mounts no part of it that holds it.
 */
export function hostPathOf(device: string, root: string, host: readonly MountEntry[]): string | undefined {
  let best: MountEntry | undefined;
  for (const h of indexOf(host).byDevice.get(device) ?? []) {
    if (!isUnder(root, h.root)) continue;
    if (!best || h.root.length > best.root.length) best = h;
  }
  if (!best) return undefined;
  const rest = best.root === '/' ? root : root.slice(best.root.length);
  return posix.join(best.mountPoint, rest);
}

/** The host mount whose mount point holds `path` (the longest; of several there, the top one), e.g. an upper dir's. */
export function hostMountHolding(path: string, host: readonly MountEntry[]): MountEntry | undefined {
  const { byMountPoint } = indexOf(host);
  for (let dir = path.length > 1 ? path.replace(/\/+$/, '') || '/' : path; ; dir = posix.dirname(dir)) {
    const h = byMountPoint.get(dir);
    if (h || dir === '/' || !dir.startsWith('/')) return h;
  }
}

function describeMount(m: MountEntry, host: readonly MountEntry[]): RootfsMount {
  const readOnly = m.options.includes('ro');
  const hostPath = hostPathOf(m.device, m.root, host);
  if (hostPath !== undefined) return { destination: m.mountPoint, kind: 'bind', fsType: m.fsType, source: hostPath, readOnly };
  if (m.fsType === 'tmpfs') return { destination: m.mountPoint, kind: 'tmpfs', fsType: m.fsType, source: m.source, readOnly };
  return {
    destination: m.mountPoint,
    kind: 'other',
    fsType: m.fsType,
    source: m.root === '/' ? m.source : `${m.source}:${m.root}`,
    readOnly,
  };
}

/** The container's mounts beside its root, without the kernel's and the runtime's plumbing. */
export function containerMounts(mounts: readonly MountEntry[], root: MountEntry | undefined, host: readonly MountEntry[]): RootfsMount[] {
  return mounts
    .filter((m) => m !== root && m.mountPoint !== '/' && !PSEUDO_FS.has(m.fsType))
    .filter((m) => !PLUMBING_DIRS.some((d) => isUnder(m.mountPoint, d)))
    .map((m) => describeMount(m, host));
}

/**
 * The root filesystem from the container's mount table (`mounts`) and the host's (`host`, to find sources); the
 * overlay's lower dirs come back unnamed (path only): naming them is the runtime's (rootfs-reader.ts).
 */
export function describeRootfs(mounts: readonly MountEntry[], host: readonly MountEntry[]): ContainerRootfs | undefined {
  const root = rootMount(mounts);
  if (!root) return undefined;
  const readOnly = root.options.includes('ro');
  const rest = containerMounts(mounts, root, host);
  if (root.fsType === 'overlay') {
    const upper = superOption(root, 'upperdir');
    return {
      kind: 'overlay',
      fsType: root.fsType,
      source: root.source,
      lower: overlayLowerDirs(root).map((path) => ({ path })),
      upper,
      work: superOption(root, 'workdir'),
      readOnly,
      mounts: rest,
      upperDevice: upper?.startsWith('/') ? hostMountHolding(upper, host)?.source : undefined,
    };
  }
  const hostPath = hostPathOf(root.device, root.root, host);
  const kind = hostPath !== undefined ? 'bind' : root.source.startsWith('/dev/') ? 'device' : 'other';
  return { kind, fsType: root.fsType, source: hostPath ?? root.source, lower: [], readOnly, mounts: rest };
}
