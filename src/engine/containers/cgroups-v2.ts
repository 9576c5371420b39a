// cgroup v2: one directory, <root>/tctop/<id>, with the controllers enabled down the path.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UnsupportedError } from '../../errors.js';
import { appendCgroupFile, makeCgroupDir, readCgroupFile, writeCgroupFile } from './cgroup-files.js';
import { checkCpusetWithin } from './cpu-list.js';
import type { ResourceLimits } from './cgroups.js';
import { cfsQuota, CFS_PERIOD_US } from './cgroups-v1.js';

const WANTED = ['cpu', 'memory', 'pids', 'cpuset', 'io'];

function available(dir: string): string[] {
  return (readCgroupFile(join(dir, 'cgroup.controllers')) ?? '').trim().split(/\s+/).filter(Boolean);
}

export function v2Plan(cgroupRoot: string, limits: ResourceLimits): string[] {
  const have = available(cgroupRoot);
  const need = (c: string, flag: string) => {
    if (!have.includes(c)) throw new UnsupportedError(`${flag} needs the cgroup v2 ${c} controller, which ${cgroupRoot} does not offer`);
  };
  if (limits.memoryBytes !== undefined) need('memory', '--memory');
  if (limits.nanoCpus !== undefined) need('cpu', '--cpus');
  if (limits.pidsLimit !== undefined) need('pids', '--pids-limit');
  if (limits.cpusetCpus !== undefined) {
    need('cpuset', '--cpuset-cpus');
    const allowed = readCgroupFile(join(cgroupRoot, 'cpuset.cpus.effective')) ?? readCgroupFile('/sys/devices/system/cpu/online');
    if (allowed !== null) checkCpusetWithin(limits.cpusetCpus, allowed);
  }
  return WANTED.filter((c) => have.includes(c));
}

/** One controller at a time: a controller the kernel refuses here (e.g. cpu with realtime tasks in the root)
 *  only matters when a limit needs it. */
function enable(dir: string, controllers: string[], needed: Set<string>): void {
  for (const c of controllers) {
    try {
      appendCgroupFile(join(dir, 'cgroup.subtree_control'), `+${c}\n`);
    } catch (err) {
      if (needed.has(c)) throw err;
    }
  }
}

function neededControllers(limits: ResourceLimits): Set<string> {
  const out = new Set<string>();
  if (limits.memoryBytes !== undefined) out.add('memory');
  if (limits.nanoCpus !== undefined) out.add('cpu');
  if (limits.pidsLimit !== undefined) out.add('pids');
  if (limits.cpusetCpus !== undefined) out.add('cpuset');
  return out;
}

export function createV2(id: string, limits: ResourceLimits, cgroupRoot: string, controllers: string[], created: string[]): string {
  const needed = neededControllers(limits);
  enable(cgroupRoot, controllers, needed);
  const parent = join(cgroupRoot, 'tctop');
  if (makeCgroupDir(parent)) created.push(parent);
  // on real cgroupfs the child lists what its parent enabled; a fixture dir has no such file
  const inParent = existsSync(join(parent, 'cgroup.controllers')) ? available(parent) : controllers;
  enable(
    parent,
    controllers.filter((c) => inParent.includes(c)),
    needed,
  );
  const dir = join(parent, id);
  if (makeCgroupDir(dir)) created.push(dir);
  if (limits.memoryBytes !== undefined) {
    writeCgroupFile(join(dir, 'memory.max'), String(limits.memoryBytes));
    try {
      writeCgroupFile(join(dir, 'memory.swap.max'), '0'); // no swap: a memory hog is OOM-killed, not swapped
    } catch {
      /* kernel without swap accounting: there is no swap to limit */
    }
  }
  if (limits.nanoCpus !== undefined) writeCgroupFile(join(dir, 'cpu.max'), `${cfsQuota(limits.nanoCpus)} ${CFS_PERIOD_US}`);
  if (limits.pidsLimit !== undefined) writeCgroupFile(join(dir, 'pids.max'), limits.pidsLimit > 0 ? String(limits.pidsLimit) : 'max');
  if (limits.cpusetCpus !== undefined) writeCgroupFile(join(dir, 'cpuset.cpus'), limits.cpusetCpus);
  return dir;
}
