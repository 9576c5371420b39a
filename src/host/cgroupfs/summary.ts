// The few cgroup figures a one-line summary of a container shows (`tctop ps`: CPU time, memory used and its limit,
// paused or not), v1 or v2: four files of a container cgroup's twenty. At 1,000 containers the other files were
// most of `ps`'s reads.
import type { HostReader } from '../reader.js';
import type { CgroupStats } from '../records.js';
import type { CgroupLayout } from './layout.js';
import { parseFlatKeyed, parseMaxOrNumber } from './parse.js';
import { cgroupDir } from './v1.js';
import { readV2Frozen } from './v2.js';

/** v1 reports "no limit" as a huge page-aligned number (PAGE_COUNTER_MAX * page size), as v1.ts. */
const V1_UNLIMITED = 2 ** 60;

export function readV2Summary(r: HostReader, unifiedRoot: string, path: string): CgroupStats {
  const dir = cgroupDir(unifiedRoot, path);
  const stats: CgroupStats = { version: 2, path };
  const usageUsec = parseFlatKeyed(r.hotRecordText(`${dir}/cpu.stat`), ['usage_usec']).get('usage_usec');
  if (usageUsec !== undefined) stats.cpu = { usageSeconds: usageUsec / 1e6 };
  const usage = r.hotInt(`${dir}/memory.current`);
  if (usage !== null) stats.memory = { usageBytes: usage, limitBytes: parseMaxOrNumber(r.spec(`${dir}/memory.max`)) };
  const frozen = readV2Frozen(r, unifiedRoot, path);
  if (frozen !== undefined) stats.frozen = frozen;
  return stats;
}

export function readV1Summary(r: HostReader, layout: CgroupLayout, pathOf: (controller: string) => string | undefined): CgroupStats {
  const file = (ctrl: string, name: string) => {
    const mount = layout.v1.get(ctrl);
    const path = pathOf(ctrl);
    return mount && path !== undefined ? `${cgroupDir(mount, path)}/${name}` : undefined;
  };
  const int = (ctrl: string, name: string) => {
    const f = file(ctrl, name);
    return f ? r.hotInt(f) : null;
  };
  const stats: CgroupStats = { version: 1, path: pathOf('memory') ?? pathOf('cpu') ?? pathOf('pids') ?? '/' };
  const usageNs = int('cpuacct', 'cpuacct.usage');
  if (usageNs !== null) stats.cpu = { usageSeconds: usageNs / 1e9 };
  const usage = int('memory', 'memory.usage_in_bytes');
  if (usage !== null) {
    const limitFile = file('memory', 'memory.limit_in_bytes');
    const limit = limitFile ? Number(r.spec(limitFile)?.trim() ?? Number.NaN) : Number.NaN;
    stats.memory = { usageBytes: usage, limitBytes: Number.isFinite(limit) && limit < V1_UNLIMITED ? limit : undefined };
  }
  const freezerFile = file('freezer', 'freezer.state');
  const freezer = freezerFile ? r.hotRecordText(freezerFile) : null;
  if (freezer !== null) stats.frozen = freezer.trim() === 'FROZEN';
  return stats;
}
