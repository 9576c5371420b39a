// The container's cgroup(s): created with their limits before the shim starts, removed by rm.
// v1 vs v2 is decided at run time: v2 only when the cgroup root itself is a cgroup2 mount (a hybrid host's
// empty /sys/fs/cgroup/unified does not count).
import { existsSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, errnoOf, NativeError, UsageError } from '../../errors.js';
import { readCgroupProcs } from '../../host/cgroupfs/procs.js';
import { hostPaths } from '../../host/paths.js';
import { HostReader } from '../../host/reader.js';
import { isFullId } from '../../text/ids.js';
import { createV1, rmdirQuiet, v1ExistingDirs, v1Mounts, v1Plan } from './cgroups-v1.js';
import { createV2, v2Plan } from './cgroups-v2.js';
import { unlinkName } from './name-link.js';

export interface ResourceLimits {
  memoryBytes?: number;
  nanoCpus?: number;
  pidsLimit?: number;
  cpusetCpus?: string;
}

export interface ContainerCgroup {
  version: 1 | 2;
  /** Every dir the init joins: v1 one per hierarchy, v2 one. */
  dirs: string[];
  /** v1 memory.oom_control, v2 memory.events; null without a memory controller. */
  oomFile: string | null;
  /** "/tctop/<id>", as discovery sees it. */
  path: string;
}

export const DEFAULT_CGROUP_ROOT = '/sys/fs/cgroup';

export function cgroupVersion(cgroupRoot = DEFAULT_CGROUP_ROOT): 1 | 2 {
  return existsSync(join(cgroupRoot, 'cgroup.controllers')) ? 2 : 1;
}

function checkLimits(l: ResourceLimits): void {
  const positiveInt = (v: number | undefined, flag: string) => {
    if (v !== undefined && (!Number.isSafeInteger(v) || v <= 0))
      throw new UsageError(`invalid ${flag} value ${v}: must be a positive integer`);
  };
  positiveInt(l.memoryBytes, '--memory');
  positiveInt(l.nanoCpus, '--cpus');
  if (l.pidsLimit !== undefined && (!Number.isSafeInteger(l.pidsLimit) || l.pidsLimit < -1))
    throw new UsageError(`invalid --pids-limit value ${l.pidsLimit}`);
  // the kernel refuses tiny memory limits with EBUSY/EINVAL; say it the way docker does
  if (l.memoryBytes !== undefined && l.memoryBytes < 6 * 1024 * 1024) throw new UsageError('minimum memory limit allowed is 6MB');
}

function checkId(id: string): void {
  if (!isFullId(id)) throw new UsageError(`bad container id ${JSON.stringify(id)}`);
}

/** Creates /tctop/<id> (idempotent: an existing dir gets the limits rewritten). Nothing is left on failure. */
export function createContainerCgroup(id: string, limits: ResourceLimits, cgroupRoot = DEFAULT_CGROUP_ROOT): ContainerCgroup {
  checkId(id);
  checkLimits(limits);
  const created: string[] = [];
  try {
    if (cgroupVersion(cgroupRoot) === 2) {
      const controllers = v2Plan(cgroupRoot, limits);
      const dir = createV2(id, limits, cgroupRoot, controllers, created);
      return { version: 2, dirs: [dir], oomFile: controllers.includes('memory') ? join(dir, 'memory.events') : null, path: `/tctop/${id}` };
    }
    const mounts = v1Plan(cgroupRoot, limits);
    const dirs = createV1(id, limits, mounts, created);
    const memory = mounts.get('memory');
    return { version: 1, dirs, oomFile: memory ? join(memory, 'tctop', id, 'memory.oom_control') : null, path: `/tctop/${id}` };
  } catch (err) {
    // leave the shared tctop/ parent (other containers use it), undo only this container's dirs
    for (const dir of created.reverse()) if (dir.endsWith(id)) rmdirQuiet(dir);
    throw err;
  }
}

function existingDirs(id: string, cgroupRoot: string): string[] {
  if (cgroupVersion(cgroupRoot) === 2) {
    const dir = join(cgroupRoot, 'tctop', id);
    return existsSync(dir) ? [dir] : [];
  }
  return v1ExistingDirs(id, cgroupRoot);
}

/**
 * rmdir every dir of the container; a cgroup whose last process just died is briefly busy, so retry ~1 s. Its name
 * link goes first (name-link.ts: it lives as long as the cgroup; a cgroup left without one is read the slower way).
 */
export async function removeContainerCgroup(id: string, cgroupRoot = DEFAULT_CGROUP_ROOT): Promise<void> {
  checkId(id);
  unlinkName(id);
  for (const dir of existingDirs(id, cgroupRoot)) {
    for (let attempt = 0; ; attempt++) {
      try {
        rmdirSync(dir);
        break;
      } catch (err) {
        const code = errnoOf(err);
        if (code === 'ENOENT') break;
        if (code === 'EBUSY' && attempt < 20) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        if (code === 'EBUSY') throw new ConflictError(`cgroup ${dir} still has processes`);
        throw new NativeError(`cannot remove cgroup ${dir}: ${code ?? String(err)}`);
      }
    }
  }
}

/** For tests and rm -f: the host PIDs still in the container's cgroup (first hierarchy that lists any). */
export function cgroupPids(id: string, cgroupRoot = DEFAULT_CGROUP_ROOT): number[] {
  const v = cgroupVersion(cgroupRoot);
  const dirs =
    v === 2 ? [join(cgroupRoot, 'tctop', id)] : [...new Set([...v1Mounts(cgroupRoot).values()])].map((m) => join(m, 'tctop', id));
  const pids = new Set<number>();
  const reader = new HostReader(hostPaths('/')); // a bare one: each read opens and closes its file
  for (const dir of dirs) {
    try {
      for (const pid of readCgroupProcs(reader, dir) ?? []) pids.add(pid);
    } catch {
      /* unreadable: as good as gone for rm -f, which removes the cgroup next */
    }
  }
  return [...pids];
}
