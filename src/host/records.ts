// The records host/'s readers produce: a process, its cgroup memberships, a cgroup's figures, a network namespace's
// counters, namespace inodes. The snapshot (src/snapshot/model.ts) composes them into containers.

export const NAMESPACE_TYPES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts'] as const;
export type NamespaceType = (typeof NAMESPACE_TYPES)[number];

/** Namespace inode per type; a type the kernel lacks or we could not read is absent. */
export type NamespaceSet = Partial<Record<NamespaceType, number>>;

export interface ProcessInfo {
  hostPid: number;
  /** PID inside the innermost PID namespace (last NSpid entry); equals hostPid in the host namespace. */
  containerPid: number;
  /** Full NSpid chain, outermost first. */
  nsPids: number[];
  ppid: number;
  /** Thread count (status Threads). */
  threads: number;
  /** Single-letter state from /proc/<pid>/stat. */
  state: string;
  /** comm, raw (may hold any bytes; consumers must escape before printing to a terminal). */
  comm: string;
  /** argv joined by spaces, raw and possibly truncated; '' for kernel threads. */
  command: string;
  /** argv itself, when read (runtimes' adapters parse a shim's flags from it). */
  argv?: string[];
  uid: number;
  /** Resolved user name where /etc/passwd of the host knows it, else the numeric uid. */
  user: string;
  /** Start time in clock ticks since boot (stat field 22): (pid, startTicks) identifies a process. */
  startTicks: number;
  /** Cumulative CPU in clock ticks (utime + stime). */
  cpuTicks: number;
  rssBytes: number;
  /** Virtual memory size (stat vsize), for ps-style VSZ. */
  vsizeBytes?: number;
  /** Controlling terminal device number (stat tty_nr); 0 = none. */
  ttyNr?: number;
  /** Raw /proc/<pid>/cgroup lines. */
  cgroups: CgroupMembership[];
  /** Read for container inits only (they give the container its namespaces); 8 readlinks a process cost too much
   * to spend on every member and shim of a cold scan. */
  namespaces?: NamespaceSet;
}

export interface CgroupMembership {
  /** Hierarchy ID (0 for the v2 unified hierarchy). */
  hierarchy: number;
  /** Controllers ('' for v2; may include name=systemd). */
  controllers: string[];
  path: string;
}

export interface CgroupStats {
  version: 1 | 2;
  /** The container's cgroup path relative to the hierarchy root, e.g. /docker/<id>. */
  path: string;
  cpu?: {
    usageSeconds: number;
    userSeconds?: number;
    systemSeconds?: number;
    periods?: number;
    throttledPeriods?: number;
    throttledSeconds?: number;
    /** Quota in microseconds per period; undefined = unlimited. */
    quotaMicros?: number;
    periodMicros?: number;
    shares?: number;
    cpusetCpus?: string;
  };
  memory?: {
    usageBytes: number;
    /** usage - inactive_file, clamped at 0, as cAdvisor computes it; absent from a summary (ScanOptions.figures). */
    workingSetBytes?: number;
    rssBytes?: number;
    cacheBytes?: number;
    swapBytes?: number;
    failcnt?: number;
    /** undefined = unlimited. */
    limitBytes?: number;
    oomKills?: number;
    oomEvents?: number;
    /** Page cache mapped into processes (v1 total_mapped_file, v2 file_mapped). */
    mappedFileBytes?: number;
    /** Highest usage recorded (v1 memory.max_usage_in_bytes, v2 memory.peak on kernels that have it). */
    maxUsageBytes?: number;
    /** Kernel memory (v1 memory.kmem.usage_in_bytes, v2 memory.stat kernel on kernels >= 5.18). */
    kernelUsageBytes?: number;
    /** Page faults and major page faults (memory.stat pgfault, pgmajfault). */
    pgfault?: number;
    pgmajfault?: number;
    /** v1 memory.soft_limit_in_bytes, v2 memory.min (as cAdvisor reads them); undefined = unlimited. */
    reservationBytes?: number;
    /** v1 memory.memsw.limit_in_bytes (memory + swap), v2 memory.swap.max; undefined = unlimited. */
    swapLimitBytes?: number;
  };
  pids?: { current: number; limit?: number };
  io?: {
    readBytes: number;
    writeBytes: number;
    readOps?: number;
    writeOps?: number;
    /** Bytes per device and operation (cAdvisor's container_blkio_device_usage_total). */
    devices?: IoDevice[];
  };
  /** The freezer holds every task (docker/runc pause): the container is paused whatever its runtime says. */
  frozen?: boolean;
  /** v2 PSI, total stall microseconds. */
  pressure?: Partial<Record<'cpu' | 'memory' | 'io', { someTotalMicros: number; fullTotalMicros?: number }>>;
}

export interface IoDevice {
  /** /dev/<name> from sysfs, '' when unknown. */
  device: string;
  major: number;
  minor: number;
  /** Bytes by operation as the kernel (v1) or runc (v2: Read, Write) names it. */
  bytes: Record<string, number>;
}

export interface NetworkStats {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
  /** Per-interface breakdown, loopback excluded from the totals above. */
  interfaces: Array<{ name: string } & Omit<NetworkStats, 'interfaces'>>;
}
