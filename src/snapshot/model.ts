// The one model of the host that every consumer (ps/inspect, dashboard, exporter) reads.
// Built by discovery from /proc and the cgroup filesystems; immutable once built.

/** The runtimes' names are declared by their adapters (discovery/adapters/index.ts derives the union). */
export type { RuntimeName } from '../discovery/adapters/index.js';
import type { RuntimeName } from '../discovery/adapters/index.js';

export { NAMESPACE_TYPES } from '../host/records.js';
export type { CgroupMembership, CgroupStats, NamespaceSet, NamespaceType, NetworkStats, ProcessInfo } from '../host/records.js';
import type { CgroupStats, NamespaceSet, NamespaceType, NetworkStats, ProcessInfo } from '../host/records.js';
import type { ReadNote } from '../host/read-failure.js';
import type { WritableLayerUsage } from './rootfs/fs-usage-cache.js';
export { READ_FAILURES, type ReadFailure } from '../host/read-failure.js';

export interface ContainerNamespace {
  type: NamespaceType;
  inode: number;
  sharedWithHost: boolean;
}

export interface Container {
  /** Full ID as the runtime knows it (64 hex for docker/containerd/tctop; a name for lxc/nspawn). */
  id: string;
  name: string;
  runtime: RuntimeName;
  image: string;
  /** running | paused | stopped | exited | created | unknown */
  state: string;
  labels: Record<string, string>;
  shim: { pid: number; command: string } | null;
  init: { hostPid: number; containerPid: number } | null;
  /** Host PIDs of every process of the container, init first then ascending. */
  pids: number[];
  namespaces: ContainerNamespace[];
  cgroup: CgroupStats | null;
  network: NetworkStats | null;
  /** Open descriptors and sockets of its processes, when the scanner counts them (ScanOptions.descriptors). */
  descriptors?: { files: number; sockets: number };
  /** Seconds since the epoch: container start (init's start time), or created time if not running. */
  startedAt: number | null;
  createdAt: number | null;
  /** Runtime-specific extras (exitCode, oomKilled, bundle ...). */
  extra: Record<string, unknown>;
  /**
   * Found only by the pass over every host process's PID namespace (discovery step 3: a sandbox; an nspawn machine
   * kept in its caller's unit, a runc container in a cgroup no runtime's pattern names), in no container cgroup: a
   * reference matches it only when it matches no other container (report/resolve.ts).
   */
  byPidNamespaceOnly?: true;
}

/** What a scan could not read, and whether it was gone, refused or unparsable (host/read-failure.ts). */
export type ScanNote = ReadNote;

export interface HostInfo {
  hostname: string;
  kernel: string;
  cpuCores: number;
  /** Physical cores and sockets (sysfs topology); undefined when sysfs does not say. */
  cpuPhysicalCores?: number;
  cpuSockets?: number;
  memoryBytes: number;
  bootTimeSeconds: number;
  clockTicks: number;
  pageSize: number;
  cgroupVersion: 1 | 2 | 'hybrid';
  hostNamespaces: NamespaceSet;
  /** Total host CPU jiffies from /proc/stat (all cpus, all modes) and idle, for host CPU%. */
  cpuTotalTicks: number;
  cpuIdleTicks: number;
  memAvailableBytes: number;
}

export interface HostSnapshot {
  /** Milliseconds since the epoch at which the scan started. */
  takenAt: number;
  /** Monotonic seconds (process.hrtime) at scan start, for rates. */
  monotonic: number;
  host: HostInfo;
  containers: Container[];
  /** Every process read in this scan, by host PID (containers' and, when scanned, the host's). */
  processes: Map<number, ProcessInfo>;
  /** Count of all processes on the host (entries of /proc); 0 in a partial snapshot. */
  hostProcessCount: number;
  scanDurationSeconds: number;
  notes: ScanNote[];
  /**
   * Not every container is here: the scan stopped once the container cgroups and runtime state had answered its
   * caller (scanHostAside's `enough`: sandboxes and nspawn machines outside container cgroups are missing, and so is
   * the process count), or it built only the container cgroups its caller selected (ScanOptions.select).
   */
  partial?: true;
  /**
   * Writable layers' sizes by container ID, where the snapshot's owner measures them (the exporter's fs collector,
   * rootfs/writable-layer-source.ts): the last finished walk of each, absent before it and for other consumers.
   */
  writableLayers?: ReadonlyMap<string, WritableLayerUsage>;
}
