// Which cgroup hierarchies the host has, found from the files themselves (works on fixture trees, no mountinfo):
// v2 unified at the root (cgroup.controllers present), v1 per-controller directories, or hybrid.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { listDir } from '../read.js';

export interface CgroupLayout {
  version: 1 | 2 | 'hybrid';
  root: string;
  /** v1 controller name -> mount directory (e.g. cpuacct -> <root>/cpu,cpuacct). */
  v1: Map<string, string>;
  /** Unified (v2) mount directory, if any: the root on pure v2, <root>/unified on hybrid hosts. */
  unified?: string;
  /** Unified hierarchy has controllers enabled (pure v2) rather than being an empty hybrid mount. */
  unifiedHasControllers: boolean;
}

const V1_CONTROLLERS = [
  'cpu',
  'cpuacct',
  'cpuset',
  'memory',
  'pids',
  'blkio',
  'devices',
  'freezer',
  'net_cls',
  'net_prio',
  'hugetlb',
  'perf_event',
  'rdma',
  'misc',
];

export function detectCgroupLayout(cgroupRoot: string): CgroupLayout {
  if (existsSync(join(cgroupRoot, 'cgroup.controllers'))) {
    return { version: 2, root: cgroupRoot, v1: new Map(), unified: cgroupRoot, unifiedHasControllers: true };
  }
  const v1 = new Map<string, string>();
  for (const entry of listDir(cgroupRoot)) {
    // combined mounts ("cpu,cpuacct") usually have per-controller symlinks beside them; map both ways
    for (const ctrl of entry.split(',')) {
      if (V1_CONTROLLERS.includes(ctrl) && !v1.has(ctrl)) v1.set(ctrl, join(cgroupRoot, entry));
    }
    if (entry === 'systemd') v1.set('name=systemd', join(cgroupRoot, entry));
  }
  const unifiedDir = join(cgroupRoot, 'unified');
  const unified = existsSync(join(unifiedDir, 'cgroup.controllers')) ? unifiedDir : undefined;
  return {
    version: unified ? 'hybrid' : 1,
    root: cgroupRoot,
    v1,
    unified,
    unifiedHasControllers: false,
  };
}

/** Where container resource figures come from: v2 when the unified hierarchy carries controllers, else v1. */
export function statsVersion(layout: CgroupLayout): 1 | 2 {
  return layout.version === 2 ? 2 : 1;
}

/** One cgroup hierarchy: its mount directory, and on v1 the controller it was picked by (a process's membership in
 * it is that controller's /proc/<pid>/cgroup line; on v2 the unified "0::" line). */
export interface CgroupHierarchy {
  dir: string;
  controller?: string;
}

/**
 * The hierarchy whose tree is walked to find container cgroups: the unified root on v2, otherwise a v1 controller
 * every runtime populates (pids, then memory, then cpu), falling back to name=systemd.
 */
export function discoveryHierarchy(layout: CgroupLayout): CgroupHierarchy | undefined {
  if (layout.version === 2) return { dir: layout.root };
  for (const c of ['pids', 'memory', 'cpu', 'name=systemd']) {
    const dir = layout.v1.get(c);
    if (dir) return { dir, controller: c };
  }
  return undefined;
}
