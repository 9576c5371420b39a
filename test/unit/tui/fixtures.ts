// Hand-built snapshots for the dashboard's view models (no /proc needed).
import type { Container, HostSnapshot, ProcessInfo } from '../../../src/snapshot/model.js';

export function proc(hostPid: number, ppid: number, command: string, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    hostPid,
    containerPid: hostPid,
    nsPids: [hostPid],
    ppid,
    threads: 1,
    state: 'S',
    comm: command.split(' ')[0] ?? '',
    command,
    uid: 0,
    user: 'root',
    startTicks: 1000 + hostPid,
    cpuTicks: 0,
    rssBytes: 1 << 20,
    cgroups: [],
    namespaces: {},
    ...extra,
  };
}

export function container(id: string, extra: Partial<Container> = {}): Container {
  return {
    id,
    name: `name-${id.slice(0, 4)}`,
    runtime: 'docker',
    image: 'busybox:latest',
    state: 'running',
    labels: {},
    shim: null,
    init: { hostPid: 100, containerPid: 1 },
    pids: [100],
    namespaces: [],
    cgroup: {
      version: 1,
      path: `/docker/${id}`,
      cpu: { usageSeconds: 10 },
      memory: { usageBytes: 10 << 20, workingSetBytes: 8 << 20, limitBytes: 100 << 20 },
      io: { readBytes: 0, writeBytes: 0 },
    },
    network: { rxBytes: 0, rxPackets: 0, rxErrors: 0, rxDropped: 0, txBytes: 0, txPackets: 0, txErrors: 0, txDropped: 0, interfaces: [] },
    startedAt: 1_700_000_000 - 3600,
    createdAt: 1_700_000_000 - 3700,
    extra: {},
    ...extra,
  };
}

export function snapshot(containers: Container[], processes: ProcessInfo[] = [], at = 1_700_000_000_000, monotonic = 1000): HostSnapshot {
  return {
    takenAt: at,
    monotonic,
    host: {
      hostname: 'testhost',
      kernel: '6.1.0',
      cpuCores: 2,
      memoryBytes: 4 * 2 ** 30,
      bootTimeSeconds: 1_700_000_000 - 86400,
      clockTicks: 100,
      pageSize: 4096,
      cgroupVersion: 'hybrid',
      hostNamespaces: {},
      cpuTotalTicks: 10_000,
      cpuIdleTicks: 9_000,
      memAvailableBytes: 3 * 2 ** 30,
    },
    containers,
    processes: new Map(processes.map((p) => [p.hostPid, p])),
    hostProcessCount: 100,
    scanDurationSeconds: 0.01,
    notes: [],
  };
}

/** A copy of `c` with its cumulative counters advanced. */
export function advanced(c: Container, cpuSeconds: number, netBytes: number, ioBytes: number): Container {
  return {
    ...c,
    cgroup: { ...c.cgroup!, cpu: { usageSeconds: c.cgroup!.cpu!.usageSeconds + cpuSeconds }, io: { readBytes: ioBytes, writeBytes: 0 } },
    network: { ...c.network!, rxBytes: c.network!.rxBytes + netBytes, txBytes: netBytes / 2 },
  };
}
