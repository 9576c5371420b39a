// cgroup v2 resource figures for one container cgroup directory.
import { join } from 'node:path';
import type { HostReader } from '../reader.js';
import type { CgroupStats } from '../records.js';
import { namedDevices, parseIoStatDevices } from './block-devices.js';
import { definedOnly, parseCpuset, parseFlatKeyed, parseIoStat, parseMaxOrNumber, parsePressure } from './parse.js';

// the keys each refresh reads from the flat-keyed files
const CPU_STAT_KEYS = ['usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec'];
const MEMORY_STAT_KEYS = ['inactive_file', 'anon', 'file', 'file_mapped', 'kernel', 'pgfault', 'pgmajfault'];
const MEMORY_EVENTS_KEYS = ['oom_kill', 'oom', 'max'];
const CGROUP_EVENTS_KEYS = ['frozen'];

/** cpu.weight (1..10000) back to v1 shares, the conversion runc/cAdvisor use. */
export function weightToShares(weight: number): number {
  return Math.round(2 + ((weight - 1) * 262142) / 9999);
}

/** Limit and setting files are read through `r.spec`, which a long-running caller caches (see readV1Stats). */
export function readV2Stats(r: HostReader, unifiedRoot: string, path: string): CgroupStats {
  const dir = join(unifiedRoot, path);
  const text = (name: string) => r.hotRecordText(`${dir}/${name}`);
  const spec = (name: string) => r.spec(`${dir}/${name}`);
  const stats: CgroupStats = { version: 2, path };

  const cpuStat = parseFlatKeyed(text('cpu.stat'), CPU_STAT_KEYS);
  if (cpuStat.has('usage_usec')) {
    const max = (spec('cpu.max') ?? 'max 100000').trim().split(' ');
    const weight = parseMaxOrNumber(spec('cpu.weight')) ?? null;
    stats.cpu = {
      usageSeconds: cpuStat.get('usage_usec')! / 1e6,
      userSeconds: (cpuStat.get('user_usec') ?? 0) / 1e6,
      systemSeconds: (cpuStat.get('system_usec') ?? 0) / 1e6,
      periods: cpuStat.get('nr_periods'),
      throttledPeriods: cpuStat.get('nr_throttled'),
      throttledSeconds: cpuStat.has('throttled_usec') ? cpuStat.get('throttled_usec')! / 1e6 : undefined,
      quotaMicros: parseMaxOrNumber(max[0]),
      periodMicros: Number(max[1]) || 100000,
      shares: weight !== null ? weightToShares(weight) : undefined,
      cpusetCpus: parseCpuset(spec('cpuset.cpus')),
    };
  }

  const usage = r.hotInt(`${dir}/memory.current`);
  if (usage !== null) {
    const ms = parseFlatKeyed(text('memory.stat'), MEMORY_STAT_KEYS);
    const events = parseFlatKeyed(text('memory.events'), MEMORY_EVENTS_KEYS);
    stats.memory = {
      usageBytes: usage,
      workingSetBytes: Math.max(0, usage - (ms.get('inactive_file') ?? 0)),
      rssBytes: ms.get('anon'),
      cacheBytes: ms.get('file'),
      swapBytes: r.hotInt(`${dir}/memory.swap.current`) ?? undefined,
      limitBytes: parseMaxOrNumber(spec('memory.max')),
      oomKills: events.get('oom_kill'),
      oomEvents: events.get('oom'),
      failcnt: events.get('max'),
      // the figures cAdvisor adds, only those the kernel has (a fixture or an older kernel lacks some)
      ...definedOnly({
        mappedFileBytes: ms.get('file_mapped'),
        maxUsageBytes: r.hotInt(`${dir}/memory.peak`) ?? undefined,
        kernelUsageBytes: ms.get('kernel'),
        pgfault: ms.get('pgfault'),
        pgmajfault: ms.get('pgmajfault'),
        // 0 in memory.min is "no reservation", as cAdvisor reports it
        reservationBytes: parseMaxOrNumber(spec('memory.min')),
        swapLimitBytes: parseMaxOrNumber(spec('memory.swap.max')),
      }),
    };
  }

  const pidsCurrent = r.hotInt(`${dir}/pids.current`);
  if (pidsCurrent !== null) stats.pids = { current: pidsCurrent, limit: parseMaxOrNumber(spec('pids.max')) };

  const io = text('io.stat');
  if (io !== null) {
    const devices = namedDevices(r, parseIoStatDevices(io));
    stats.io = { ...parseIoStat(io), ...(devices.length ? { devices } : {}) };
  }

  const frozen = readV2Frozen(r, unifiedRoot, path);
  if (frozen !== undefined) stats.frozen = frozen;

  const pressure: CgroupStats['pressure'] = {};
  for (const kind of ['cpu', 'memory', 'io'] as const) {
    const p = parsePressure(text(`${kind}.pressure`));
    if (p) pressure[kind] = p;
  }
  if (Object.keys(pressure).length) stats.pressure = pressure;
  return stats;
}

/**
 * The files that move whenever any of the container's tasks runs or its memory is charged or reclaimed, or it is
 * frozen or thawed (snapshot/quiet-containers.ts), CPU first. io.stat too (cgroup writeback charges the flusher's IO
 * to the cgroup that dirtied the pages, after it went still), and the pressure files (a task blocked on IO stalls
 * without running; their averages decay with time).
 */
export function v2SignalFiles(unifiedRoot: string, path: string, frozenPath?: string): string[] {
  const dir = join(unifiedRoot, path);
  const names = ['cpu.stat', 'memory.current', 'cgroup.events', 'io.stat', 'cpu.pressure', 'memory.pressure', 'io.pressure'];
  const out = names.map((n) => `${dir}/${n}`);
  if (frozenPath !== undefined) out.push(`${join(unifiedRoot, frozenPath)}/cgroup.events`);
  return out;
}

/** Whether the kernel says the cgroup's freeze has completed (cgroup.events frozen 1); undefined if unreadable. */
export function readV2Frozen(r: HostReader, unifiedRoot: string, path: string): boolean | undefined {
  const events = r.hotRecordText(`${join(unifiedRoot, path)}/cgroup.events`);
  return events === null ? undefined : parseFlatKeyed(events, CGROUP_EVENTS_KEYS).get('frozen') === 1;
}
