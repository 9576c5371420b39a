// Snapshot + host facts -> the header's lines: who this host is, what runs on it, how busy it is.
import type { HostSnapshot } from '../../snapshot/model.js';
import type { HostRates } from '../../snapshot/rates.js';
import { formatBytes, formatDuration, formatPercent } from '../../text/format.js';
import { escapeControls } from '../../text/sanitize.js';
import { sparkline } from './sparkline.js';

/** Facts that do not change while the dashboard runs (read once, from the host under --root). */
export interface HostFacts {
  os?: string;
  cpuModel?: string;
  /** Runtimes whose state directories exist on this host, whether or not they run containers now. */
  runtimes?: string[];
}

export function runtimeSummary(snap: HostSnapshot): string {
  const counts = new Map<string, number>();
  for (const c of snap.containers) counts.set(c.runtime, (counts.get(c.runtime) ?? 0) + 1);
  return counts.size === 0
    ? 'none'
    : [...counts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([r, n]) => `${r} ${n}`)
        .join(', ');
}

export function headerLines(
  snap: HostSnapshot,
  facts: HostFacts,
  rates: HostRates,
  history: { cpu: readonly number[]; mem: readonly number[] },
  width: number,
): string[] {
  const h = snap.host;
  const uptime = formatDuration(snap.takenAt / 1000 - h.bootTimeSeconds);
  const cgroup = h.cgroupVersion === 'hybrid' ? 'v1 (hybrid)' : `v${h.cgroupVersion}`;
  const graphWidth = Math.max(10, Math.min(60, width - 28));
  return [
    `${escapeControls(h.hostname)}  ${escapeControls(facts.os ?? 'Linux')}  kernel ${escapeControls(h.kernel)}  up ${uptime}`,
    `${escapeControls(facts.cpuModel ?? 'CPU')} x ${h.cpuCores}  memory ${formatBytes(h.memoryBytes)}  cgroup ${cgroup}`,
    `containers ${snap.containers.length} (${runtimeSummary(snap)})  processes ${snap.hostProcessCount}${facts.runtimes?.length ? `  runtimes found: ${facts.runtimes.join(', ')}` : ''}`,
    `CPU ${formatPercent(rates.cpuPercent).padStart(6)}  ${sparkline(history.cpu, graphWidth, 100)}`,
    `MEM ${formatPercent(rates.memUsedPercent).padStart(6)}  ${sparkline(history.mem, graphWidth, 100)}`,
  ];
}
