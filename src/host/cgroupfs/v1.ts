// cgroup v1 resource figures for one container: each controller at its own path (from /proc/<pid>/cgroup).
import { join } from 'node:path';
import { joinUnder } from '../paths.js';
import type { HostReader } from '../reader.js';
import type { CgroupStats } from '../records.js';
import { namedDevices, parseBlkioDevices } from './block-devices.js';
import type { CgroupLayout } from './layout.js';
import { definedOnly, parseBlkio, parseCpuset, parseFlatKeyed, parseMaxOrNumber } from './parse.js';

/** `mount` + `path` (a cgroup path, absolute in its hierarchy), as path.join would give it (joinUnder). */
export function cgroupDir(mount: string, path: string): string {
  if (path === '/') return mount;
  return path.startsWith('/') ? joinUnder(mount, path.slice(1)) : join(mount, path);
}

// the keys each refresh reads from the flat-keyed files
const CPUACCT_STAT_KEYS = ['user', 'system'];
const CPU_STAT_KEYS = ['nr_periods', 'nr_throttled', 'throttled_time'];
const MEMORY_STAT_KEYS = [
  'total_inactive_file',
  'inactive_file',
  'total_rss',
  'rss',
  'total_cache',
  'cache',
  'total_swap',
  'swap',
  'total_mapped_file',
  'mapped_file',
  'pgfault',
  'pgmajfault',
];
const OOM_CONTROL_KEYS = ['oom_kill'];

/**
 * The files that move whenever any of the container's tasks runs or its memory is charged, reclaimed or swapped, or
 * it is frozen or thawed (snapshot/quiet-containers.ts), CPU first; those of controllers the container has.
 */
export function v1SignalFiles(layout: CgroupLayout, pathOf: (controller: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const [ctrl, name] of [
    ['cpuacct', 'cpuacct.usage'],
    ['memory', 'memory.usage_in_bytes'],
    ['freezer', 'freezer.state'],
  ]) {
    const mount = layout.v1.get(ctrl);
    const path = pathOf(ctrl);
    if (mount && path !== undefined) out.push(`${cgroupDir(mount, path)}/${name}`);
    else if (ctrl === 'cpuacct') return []; // no CPU counter: nothing tells that the container stayed still
  }
  return out;
}

/** v1 reports "no limit" as a huge page-aligned number (PAGE_COUNTER_MAX * page size). */
const V1_UNLIMITED = 2 ** 60;

/**
 * Usage files are read through `r` every time; the files that hold limits and settings (they change only on `docker
 * update` and the like) through `r.spec`, which a long-running caller caches.
 */
export function readV1Stats(
  r: HostReader,
  layout: CgroupLayout,
  pathOf: (controller: string) => string | undefined,
  clockTicks: number,
): CgroupStats {
  // one directory per controller, not one join per file: this runs for every container on every refresh
  const dirs: Record<string, string | null> = {};
  const file = (ctrl: string, name: string): string | undefined => {
    let dir = dirs[ctrl];
    if (dir === undefined) {
      const mount = layout.v1.get(ctrl);
      const path = pathOf(ctrl);
      dir = dirs[ctrl] = mount && path !== undefined ? cgroupDir(mount, path) : null;
    }
    return dir === null ? undefined : `${dir}/${name}`;
  };
  const text = (ctrl: string, name: string) => {
    const f = file(ctrl, name);
    return f ? r.hotRecordText(f) : null;
  };
  const int = (ctrl: string, name: string) => {
    const f = file(ctrl, name);
    return f ? r.hotInt(f) : null;
  };
  const spec = (ctrl: string, name: string) => {
    const f = file(ctrl, name);
    return f ? r.spec(f) : null;
  };
  const specInt = (ctrl: string, name: string) => {
    const t = spec(ctrl, name);
    const n = t === null ? NaN : Number(t.trim());
    return Number.isFinite(n) ? n : null;
  };
  const stats: CgroupStats = { version: 1, path: pathOf('memory') ?? pathOf('cpu') ?? pathOf('pids') ?? '/' };

  const usageNs = int('cpuacct', 'cpuacct.usage');
  if (usageNs !== null) {
    const acct = parseFlatKeyed(text('cpuacct', 'cpuacct.stat'), CPUACCT_STAT_KEYS);
    const cpuStat = parseFlatKeyed(text('cpu', 'cpu.stat'), CPU_STAT_KEYS);
    const quota = specInt('cpu', 'cpu.cfs_quota_us');
    stats.cpu = {
      usageSeconds: usageNs / 1e9,
      userSeconds: acct.has('user') ? acct.get('user')! / clockTicks : undefined,
      systemSeconds: acct.has('system') ? acct.get('system')! / clockTicks : undefined,
      periods: cpuStat.get('nr_periods'),
      throttledPeriods: cpuStat.get('nr_throttled'),
      throttledSeconds: cpuStat.has('throttled_time') ? cpuStat.get('throttled_time')! / 1e9 : undefined,
      quotaMicros: quota !== null && quota > 0 ? quota : undefined,
      periodMicros: specInt('cpu', 'cpu.cfs_period_us') ?? undefined,
      shares: specInt('cpu', 'cpu.shares') ?? undefined,
      cpusetCpus: parseCpuset(spec('cpuset', 'cpuset.cpus')),
    };
  }

  const usage = int('memory', 'memory.usage_in_bytes');
  if (usage !== null) {
    const ms = parseFlatKeyed(text('memory', 'memory.stat'), MEMORY_STAT_KEYS);
    const inactiveFile = ms.get('total_inactive_file') ?? ms.get('inactive_file') ?? 0;
    const limit = specInt('memory', 'memory.limit_in_bytes');
    const limited = (n: number | null) => (n !== null && n < V1_UNLIMITED ? n : undefined);
    // swap accounting on: memory.stat's total_swap is memsw.usage - usage, without reading one more file every scan
    const statSwap = ms.get('total_swap') ?? ms.get('swap');
    const memsw = statSwap === undefined ? int('memory', 'memory.memsw.usage_in_bytes') : null;
    const oom = parseFlatKeyed(text('memory', 'memory.oom_control'), OOM_CONTROL_KEYS);
    stats.memory = {
      usageBytes: usage,
      workingSetBytes: Math.max(0, usage - inactiveFile),
      rssBytes: ms.get('total_rss') ?? ms.get('rss'),
      cacheBytes: ms.get('total_cache') ?? ms.get('cache'),
      swapBytes: statSwap ?? (memsw !== null ? Math.max(0, memsw - usage) : undefined),
      failcnt: int('memory', 'memory.failcnt') ?? undefined,
      limitBytes: limited(limit),
      oomKills: oom.get('oom_kill'),
      // the figures cAdvisor adds, only those the kernel has (a fixture or an older kernel lacks some)
      ...definedOnly({
        // as cAdvisor: the hierarchical figure where memory.stat has it
        mappedFileBytes: ms.get('total_mapped_file') ?? ms.get('mapped_file'),
        maxUsageBytes: int('memory', 'memory.max_usage_in_bytes') ?? undefined,
        kernelUsageBytes: int('memory', 'memory.kmem.usage_in_bytes') ?? undefined,
        pgfault: ms.get('pgfault'),
        pgmajfault: ms.get('pgmajfault'),
        reservationBytes: limited(specInt('memory', 'memory.soft_limit_in_bytes')),
        swapLimitBytes: limited(specInt('memory', 'memory.memsw.limit_in_bytes')),
      }),
    };
  }

  const pidsCurrent = int('pids', 'pids.current');
  if (pidsCurrent !== null) stats.pids = { current: pidsCurrent, limit: parseMaxOrNumber(spec('pids', 'pids.max')) };

  const freezer = text('freezer', 'freezer.state');
  if (freezer !== null) stats.frozen = freezer.trim() === 'FROZEN';

  const bytes = text('blkio', 'blkio.throttle.io_service_bytes');
  if (bytes !== null) {
    const b = parseBlkio(bytes);
    const ops = parseBlkio(text('blkio', 'blkio.throttle.io_serviced'));
    const devices = namedDevices(r, parseBlkioDevices(bytes));
    stats.io = { readBytes: b.read, writeBytes: b.write, readOps: ops.read, writeOps: ops.write, ...(devices.length ? { devices } : {}) };
  }
  return stats;
}
