// cgroup v1: one directory per mounted controller, <mount>/tctop/<id>. Separate or combined (cpu,cpuacct) mounts.
import { existsSync, realpathSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { UnsupportedError } from '../../errors.js';
import { makeCgroupDir, readCgroupFile, writeCgroupFile } from './cgroup-files.js';
import { checkCpusetWithin } from './cpu-list.js';
import type { ResourceLimits } from './cgroups.js';

export const V1_CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'pids', 'cpuset', 'blkio', 'freezer', 'devices'] as const;
type Controller = (typeof V1_CONTROLLERS)[number];

export const CFS_PERIOD_US = 100_000;

// Docker's default device rules: nothing but the standard nodes and /dev/pts; mknod allowed (it cannot be opened).
const DEVICE_ALLOW = [
  'c *:* m',
  'b *:* m',
  'c 1:3 rwm',
  'c 1:5 rwm',
  'c 1:7 rwm',
  'c 1:8 rwm',
  'c 1:9 rwm',
  'c 5:0 rwm',
  'c 5:1 rwm',
  'c 5:2 rwm',
  'c 136:* rwm',
  'c 10:200 rwm',
];

/** The mounted controllers: controller -> its hierarchy's root dir (a combined mount appears under both names). */
export function v1Mounts(cgroupRoot: string): Map<Controller, string> {
  const out = new Map<Controller, string>();
  for (const c of V1_CONTROLLERS) {
    const dir = join(cgroupRoot, c);
    if (!existsSync(join(dir, 'cgroup.procs'))) continue;
    out.set(c, realpathSync(dir));
  }
  return out;
}

export function v1Plan(cgroupRoot: string, limits: ResourceLimits): Map<Controller, string> {
  const mounts = v1Mounts(cgroupRoot);
  const need = (c: Controller, flag: string) => {
    if (!mounts.has(c)) throw new UnsupportedError(`${flag} needs the cgroup v1 ${c} controller, which is not mounted under ${cgroupRoot}`);
  };
  if (limits.memoryBytes !== undefined) need('memory', '--memory');
  if (limits.nanoCpus !== undefined) need('cpu', '--cpus');
  if (limits.pidsLimit !== undefined) need('pids', '--pids-limit');
  if (limits.cpusetCpus !== undefined) {
    need('cpuset', '--cpuset-cpus');
    checkCpusetWithin(limits.cpusetCpus, readCgroupFile(join(mounts.get('cpuset')!, 'cpuset.cpus')) ?? '');
  }
  return mounts;
}

/** Creates <mount>/tctop/<id> in every hierarchy and writes the limits. Returns the dirs (one per hierarchy). */
export function createV1(id: string, limits: ResourceLimits, mounts: Map<Controller, string>, created: string[]): string[] {
  const dirs: string[] = [];
  const byHierarchy = new Map<string, Controller[]>();
  for (const [c, mount] of mounts) byHierarchy.set(mount, [...(byHierarchy.get(mount) ?? []), c]);
  for (const [mount, controllers] of byHierarchy) {
    const parent = join(mount, 'tctop');
    const made = makeCgroupDir(parent);
    if (controllers.includes('cpuset') && (made || !(readCgroupFile(join(parent, 'cpuset.cpus')) ?? '').trim())) {
      // a new cpuset cgroup starts with no CPUs and no memory nodes: nothing could join it
      writeCgroupFile(join(parent, 'cpuset.cpus'), readCgroupFile(join(mount, 'cpuset.cpus'))!.trim());
      writeCgroupFile(join(parent, 'cpuset.mems'), readCgroupFile(join(mount, 'cpuset.mems'))!.trim());
    }
    const dir = join(parent, id);
    if (makeCgroupDir(dir)) created.push(dir);
    dirs.push(dir);
    for (const c of controllers) applyV1(c, dir, parent, limits);
  }
  return dirs;
}

function applyV1(c: Controller, dir: string, parent: string, limits: ResourceLimits): void {
  switch (c) {
    case 'memory':
      if (limits.memoryBytes !== undefined) {
        setMemoryLimit(dir, String(limits.memoryBytes));
      }
      break;
    case 'cpu':
      if (limits.nanoCpus !== undefined) {
        writeCgroupFile(join(dir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
        writeCgroupFile(join(dir, 'cpu.cfs_quota_us'), String(cfsQuota(limits.nanoCpus)));
      }
      break;
    case 'pids':
      if (limits.pidsLimit !== undefined) writeCgroupFile(join(dir, 'pids.max'), limits.pidsLimit > 0 ? String(limits.pidsLimit) : 'max');
      break;
    case 'cpuset':
      writeCgroupFile(join(dir, 'cpuset.cpus'), limits.cpusetCpus ?? readCgroupFile(join(parent, 'cpuset.cpus'))!.trim());
      writeCgroupFile(join(dir, 'cpuset.mems'), readCgroupFile(join(parent, 'cpuset.mems'))!.trim());
      break;
    case 'devices':
      writeCgroupFile(join(dir, 'devices.deny'), 'a');
      for (const rule of DEVICE_ALLOW) writeCgroupFile(join(dir, 'devices.allow'), rule);
      break;
    default:
      break;
  }
}

// memsw (memory+swap) = memory: no swap, so a memory hog is OOM-killed rather than swapped. The kernel wants
// limit <= memsw at every step, so raising writes memsw first and lowering writes the limit first.
function setMemoryLimit(dir: string, bytes: string): void {
  const memsw = join(dir, 'memory.memsw.limit_in_bytes');
  const limit = join(dir, 'memory.limit_in_bytes');
  if (!existsSync(memsw)) {
    writeCgroupFile(limit, bytes);
    return;
  }
  const current = Number(readCgroupFile(limit) ?? 'NaN');
  if (Number(bytes) > current) {
    writeCgroupFile(memsw, bytes);
    writeCgroupFile(limit, bytes);
  } else {
    writeCgroupFile(limit, bytes);
    writeCgroupFile(memsw, bytes);
  }
}

export function cfsQuota(nanoCpus: number): number {
  return Math.max(1000, Math.round((nanoCpus * CFS_PERIOD_US) / 1e9));
}

/** Every existing <mount>/tctop/<id> dir (deduplicated across combined mounts). */
export function v1ExistingDirs(id: string, cgroupRoot: string): string[] {
  const seen = new Set<string>();
  for (const mount of v1Mounts(cgroupRoot).values()) {
    const dir = join(mount, 'tctop', id);
    if (existsSync(dir)) seen.add(dir);
  }
  return [...seen];
}

export function rmdirQuiet(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    /* undo path: best effort */
  }
}
