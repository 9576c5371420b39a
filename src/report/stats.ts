// `tctop stats`: docker stats' columns for a container of any runtime, from two snapshots of the host.
import type { Container, HostSnapshot } from '../snapshot/model.js';
import { containerRates } from '../snapshot/rates.js';
import { shortId } from '../text/format.js';
import { bytesSize, humanSize } from './docker-units.js';

/** One line of `docker stats --format json`, with docker's keys and value formats, plus Runtime. */
export interface StatsRow {
  BlockIO: string;
  CPUPerc: string;
  Container: string;
  ID: string;
  MemPerc: string;
  MemUsage: string;
  Name: string;
  NetIO: string;
  PIDs: string;
  Runtime: string;
}

/**
 * Memory as docker's CLI counts it: usage minus inactive file pages (total_inactive_file on v1), which is the
 * working set the cgroup readers already compute. A container without a limit is bounded by the host's memory,
 * as docker shows it.
 */
function memory(c: Container, hostMemory: number): { used: number; limit: number } {
  const m = c.cgroup?.memory;
  const limit = m?.limitBytes !== undefined && m.limitBytes < hostMemory ? m.limitBytes : hostMemory;
  return { used: m?.workingSetBytes ?? 0, limit };
}

/** `label` is what the user named the container by (docker's Container column), else the short ID. */
export function statsRow(cur: Container, prev: Container | undefined, seconds: number, snapshot: HostSnapshot, label?: string): StatsRow {
  const running = cur.init !== null;
  const rates = containerRates(prev, cur, seconds);
  const mem = memory(cur, snapshot.host.memoryBytes);
  const net = cur.network;
  const io = cur.cgroup?.io;
  return {
    BlockIO: `${humanSize(io?.readBytes ?? 0, 3)} / ${humanSize(io?.writeBytes ?? 0, 3)}`,
    CPUPerc: running && prev ? `${rates.cpuPercent.toFixed(2)}%` : running ? '0.00%' : '--',
    Container: label ?? shortId(cur.id),
    ID: shortId(cur.id),
    MemPerc: running && mem.limit > 0 ? `${((100 * mem.used) / mem.limit).toFixed(2)}%` : running ? '0.00%' : '--',
    MemUsage: running ? `${bytesSize(mem.used)} / ${bytesSize(mem.limit)}` : '0B / 0B',
    Name: cur.name,
    NetIO: `${humanSize(net?.rxBytes ?? 0, 3)} / ${humanSize(net?.txBytes ?? 0, 3)}`,
    PIDs: String(cur.cgroup?.pids?.current ?? cur.pids.length),
    Runtime: cur.runtime,
  };
}
