// Snapshot -> one row per container with its rates: the view model of the container table and of batch mode.
import type { Container, HostSnapshot, RuntimeName } from '../../snapshot/model.js';
import { allContainerRates } from '../../snapshot/rates.js';
import { groupOf, type RowGroup } from './groups.js';

export interface ContainerRow {
  id: string;
  name: string;
  runtime: RuntimeName;
  image: string;
  state: string;
  /** Percent of one core; undefined before a second snapshot exists. */
  cpuPercent: number | undefined;
  memBytes: number | undefined;
  memLimitBytes: number | undefined;
  pids: number;
  netRxPerSec: number | undefined;
  netTxPerSec: number | undefined;
  ioPerSec: number | undefined;
  uptimeSeconds: number | undefined;
  /** The CPU quota in cores, when the cgroup sets one. */
  cpuQuotaCores?: number;
  /** The Compose project, Kubernetes pod or podman pod the container belongs to (grouping, view/groups.ts). */
  group?: RowGroup;
  /** How close to a limit (memory or pids) or how busy (CPU quota): drives the colour. */
  pressure: 'ok' | 'warn' | 'high';
}

function quotaCores(c: Container): number | undefined {
  const cpu = c.cgroup?.cpu;
  return cpu?.quotaMicros && cpu.periodMicros ? cpu.quotaMicros / cpu.periodMicros : undefined;
}

function pressureOf(c: Container, cpuPercent: number | undefined): ContainerRow['pressure'] {
  const mem = c.cgroup?.memory;
  const memRatio = mem?.limitBytes ? mem.usageBytes / mem.limitBytes : 0;
  const pids = c.cgroup?.pids;
  const pidRatio = pids?.limit ? pids.current / pids.limit : 0;
  const cpu = c.cgroup?.cpu;
  const quotaCores = cpu?.quotaMicros && cpu.periodMicros ? cpu.quotaMicros / cpu.periodMicros : undefined;
  const cpuRatio = quotaCores && cpuPercent !== undefined ? cpuPercent / 100 / quotaCores : 0;
  const worst = Math.max(memRatio, pidRatio, cpuRatio);
  return worst >= 0.9 ? 'high' : worst >= 0.75 ? 'warn' : 'ok';
}

/** `rates`: allContainerRates(prev, cur), where the caller has them already. */
export function containerRows(
  cur: HostSnapshot,
  prev: HostSnapshot | undefined,
  rates = prev ? allContainerRates(prev, cur) : undefined,
): ContainerRow[] {
  const before = new Set(prev?.containers.map((c) => c.id));
  const now = cur.takenAt / 1000;
  return cur.containers.map((c) => {
    // a container absent from the previous snapshot has no baseline: its rate is unknown, not zero
    const r = before.has(c.id) ? rates?.get(c.id) : undefined;
    const mem = c.cgroup?.memory;
    const cpuPercent = r?.cpuPercent;
    return {
      id: c.id,
      name: c.name,
      runtime: c.runtime,
      image: c.image,
      state: c.state,
      cpuPercent,
      memBytes: mem?.usageBytes,
      memLimitBytes: mem?.limitBytes,
      pids: c.pids.length,
      netRxPerSec: c.network ? r?.netRxBytesPerSec : undefined,
      netTxPerSec: c.network ? r?.netTxBytesPerSec : undefined,
      ioPerSec: r && c.cgroup?.io ? r.ioReadBytesPerSec + r.ioWriteBytesPerSec : undefined,
      uptimeSeconds: c.init && c.startedAt ? Math.max(0, now - c.startedAt) : undefined,
      pressure: pressureOf(c, cpuPercent),
      cpuQuotaCores: quotaCores(c),
      group: groupOf(c),
    };
  });
}

/** Case-insensitive substring of name, ID, image or runtime. */
export function filterRows(rows: readonly ContainerRow[], filter: string): ContainerRow[] {
  const f = filter.trim().toLowerCase();
  if (!f) return [...rows];
  return rows.filter((r) => [r.name, r.id, r.image, r.runtime].some((v) => v.toLowerCase().includes(f)));
}

export const SORT_KEYS = ['cpu', 'mem', 'name', 'id', 'runtime', 'image', 'state', 'pids', 'net', 'io', 'uptime'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** Numbers sort biggest first (as top does), text A to Z; `reverse` flips either. Ties fall back to name then ID. */
export function sortRows(rows: readonly ContainerRow[], key: SortKey, reverse: boolean): ContainerRow[] {
  const num = (r: ContainerRow): number => {
    switch (key) {
      case 'cpu':
        return r.cpuPercent ?? -1;
      case 'mem':
        return r.memBytes ?? -1;
      case 'pids':
        return r.pids;
      case 'net':
        return (r.netRxPerSec ?? 0) + (r.netTxPerSec ?? 0);
      case 'io':
        return r.ioPerSec ?? -1;
      case 'uptime':
        return r.uptimeSeconds ?? -1;
      default:
        return 0;
    }
  };
  const text = (r: ContainerRow): string =>
    key === 'name' || key === 'id' || key === 'runtime' || key === 'image' || key === 'state' ? r[key] : '';
  const numeric = !['name', 'id', 'runtime', 'image', 'state'].includes(key);
  const dir = reverse ? -1 : 1;
  return [...rows].sort((a, b) => {
    const primary = numeric ? num(b) - num(a) : text(a).localeCompare(text(b));
    if (primary !== 0) return primary * dir;
    return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  });
}

export function nextSortKey(key: SortKey): SortKey {
  return SORT_KEYS[(SORT_KEYS.indexOf(key) + 1) % SORT_KEYS.length];
}
