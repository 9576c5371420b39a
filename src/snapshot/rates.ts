// Rates between two snapshots of the same host: the sampler's job, shared by the dashboard and anyone else.
import type { Container, HostSnapshot } from './model.js';

export interface ContainerRates {
  /** Percent of one core (100 = one core busy), as docker stats and top show it. */
  cpuPercent: number;
  netRxBytesPerSec: number;
  netTxBytesPerSec: number;
  ioReadBytesPerSec: number;
  ioWriteBytesPerSec: number;
}

export interface HostRates {
  /** Percent of all cores, 0..100. */
  cpuPercent: number;
  memUsedPercent: number;
}

function perSecond(now: number | undefined, before: number | undefined, seconds: number): number {
  if (now === undefined || before === undefined || seconds <= 0) return 0;
  const d = now - before;
  return d > 0 ? d / seconds : 0; // a counter reset (container restarted) is not a negative rate
}

export function containerRates(prev: Container | undefined, cur: Container, seconds: number): ContainerRates {
  return {
    cpuPercent: 100 * perSecond(cur.cgroup?.cpu?.usageSeconds, prev?.cgroup?.cpu?.usageSeconds, seconds),
    netRxBytesPerSec: perSecond(cur.network?.rxBytes, prev?.network?.rxBytes, seconds),
    netTxBytesPerSec: perSecond(cur.network?.txBytes, prev?.network?.txBytes, seconds),
    ioReadBytesPerSec: perSecond(cur.cgroup?.io?.readBytes, prev?.cgroup?.io?.readBytes, seconds),
    ioWriteBytesPerSec: perSecond(cur.cgroup?.io?.writeBytes, prev?.cgroup?.io?.writeBytes, seconds),
  };
}

export function hostRates(prev: HostSnapshot | undefined, cur: HostSnapshot): HostRates {
  const h = cur.host;
  const memUsedPercent = h.memoryBytes > 0 ? (100 * (h.memoryBytes - h.memAvailableBytes)) / h.memoryBytes : 0;
  if (!prev) return { cpuPercent: 0, memUsedPercent };
  const total = h.cpuTotalTicks - prev.host.cpuTotalTicks;
  const idle = h.cpuIdleTicks - prev.host.cpuIdleTicks;
  return { cpuPercent: total > 0 ? Math.max(0, Math.min(100, (100 * (total - idle)) / total)) : 0, memUsedPercent };
}

/** Rates for every container of `cur`, keyed by container id. */
export function allContainerRates(prev: HostSnapshot | undefined, cur: HostSnapshot): Map<string, ContainerRates> {
  const seconds = prev ? cur.monotonic - prev.monotonic : 0;
  const before = new Map(prev?.containers.map((c) => [c.id, c]));
  return new Map(cur.containers.map((c) => [c.id, containerRates(before.get(c.id), c, seconds)]));
}

/** Per-process CPU percent of one core, by host PID, for processes present in both snapshots with the same start time. */
export function processCpuPercent(prev: HostSnapshot | undefined, cur: HostSnapshot, pid: number): number {
  const p = cur.processes.get(pid);
  const q = prev?.processes.get(pid);
  if (!p || !q || p.startTicks !== q.startTicks || !prev) return 0;
  const seconds = cur.monotonic - prev.monotonic;
  return seconds > 0 ? (100 * (p.cpuTicks - q.cpuTicks)) / cur.host.clockTicks / seconds : 0;
}
