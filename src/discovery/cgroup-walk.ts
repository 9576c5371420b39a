// Find container cgroups by walking one hierarchy: far cheaper than reading /proc/<pid>/cgroup for every process.
import { cgroupSubdirs, collectPids, hasChildCgroups, MAX_CGROUP_DEPTH } from '../host/cgroupfs/procs.js';
import type { HostReader } from '../host/reader.js';
import { matchContainerCgroup } from './patterns.js';
import type { CgroupHint } from './types.js';

export interface ContainerCgroup {
  path: string;
  hint: CgroupHint;
  /** PIDs in the cgroup and every cgroup below it (LXC and nspawn payloads nest their own cgroups). */
  pids: number[];
  /** The cgroup has child cgroups, so members are collected from the whole subtree (leaves need one read). */
  nested: boolean;
}

export function findContainerCgroups(r: HostReader, hierarchyDir: string): ContainerCgroup[] {
  const found: ContainerCgroup[] = [];
  const walk = (rel: string, depth: number) => {
    // plain concatenation: readdir's names hold no '/' and are never '.' or '..' (path.join was 10% of the walk)
    for (const d of cgroupSubdirs(r, hierarchyDir + rel)) {
      const path = `${rel}/${d}`;
      const hint = matchContainerCgroup(path);
      if (hint) {
        const pids: number[] = [];
        const dir = hierarchyDir + path;
        const nested = hasChildCgroups(r, dir);
        collectPids(r, dir, pids, nested, depth + 1);
        found.push({ path, hint, pids, nested });
      } else if (depth < MAX_CGROUP_DEPTH && !d.startsWith('lxc.monitor.')) {
        walk(path, depth + 1);
      }
    }
  };
  walk('', 0);
  return found;
}

/** The container cgroup a process's cgroup path lies in (the path itself or an ancestor), if any. */
export function containerCgroupOf(path: string): { path: string; hint: CgroupHint } | undefined {
  for (let p = path; p.length > 1; p = p.slice(0, p.lastIndexOf('/')) || '/') {
    const hint = matchContainerCgroup(p);
    if (hint) return { path: p, hint };
  }
  return undefined;
}
