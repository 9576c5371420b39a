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
  /** Its members (and `nested`) not read yet: a walk without them (readMembers reads them when asked). */
  unread?: { dir: string; depth: number };
}

/**
 * Walks a hierarchy's directories as `subdirs` lists them (relative paths, the root being ''), telling `found` of
 * each container cgroup, which is not descended into. The one walk of both sources of directories below.
 */
function walkContainerCgroups(
  subdirs: (rel: string) => readonly string[],
  found: (path: string, hint: CgroupHint, depth: number) => void,
): void {
  const walk = (rel: string, depth: number) => {
    // plain concatenation: readdir's names hold no '/' and are never '.' or '..' (path.join was 10% of the walk)
    for (const d of subdirs(rel)) {
      const path = `${rel}/${d}`;
      const hint = matchContainerCgroup(path);
      if (hint) found(path, hint, depth);
      else if (depth < MAX_CGROUP_DEPTH && !d.startsWith('lxc.monitor.')) walk(path, depth + 1);
    }
  };
  walk('', 0);
}

/** How deep a listing of a hierarchy must go for containerCgroupsListed to see what the walk here sees. */
export const LISTING_DEPTH = MAX_CGROUP_DEPTH + 2; // the walk's deepest cgroup, and its children (nested or not)

/**
 * The container cgroups of a hierarchy, with their members; without (`members` false), each is left `unread` for
 * readMembers: a scan that builds a few of many reads only theirs (two reads and a stat a cgroup saved).
 */
export function findContainerCgroups(r: HostReader, hierarchyDir: string, members = true): ContainerCgroup[] {
  const found: ContainerCgroup[] = [];
  walkContainerCgroups(
    (rel) => cgroupSubdirs(r, hierarchyDir + rel),
    (path, hint, depth) => {
      const dir = hierarchyDir + path;
      if (!members) return found.push({ path, hint, pids: [], nested: false, unread: { dir, depth } });
      const pids: number[] = [];
      const nested = hasChildCgroups(r, dir);
      collectPids(r, dir, pids, nested, depth + 1);
      found.push({ path, hint, pids, nested });
    },
  );
  return found;
}

/** A container cgroup's members, read now if the walk left them unread. */
export function readMembers(r: HostReader, cg: ContainerCgroup): readonly number[] {
  const unread = cg.unread;
  if (!unread) return cg.pids;
  cg.unread = undefined;
  cg.nested = hasChildCgroups(r, unread.dir);
  collectPids(r, unread.dir, cg.pids, cg.nested, unread.depth + 1);
  return cg.pids;
}

/**
 * The container cgroups of a listing of a hierarchy's directories made elsewhere (relative paths, "/a/b", each
 * parent before its children, LISTING_DEPTH deep: native/pidns/pidns.c), found as findContainerCgroups finds them;
 * their members are not read.
 */
export function containerCgroupsListed(dirs: readonly string[]): Array<Omit<ContainerCgroup, 'pids'>> {
  const children = new Map<string, string[]>();
  for (const dir of dirs) {
    const cut = dir.lastIndexOf('/');
    const parent = dir.slice(0, cut);
    const list = children.get(parent);
    if (list) list.push(dir.slice(cut + 1));
    else children.set(parent, [dir.slice(cut + 1)]);
  }
  const found: Array<Omit<ContainerCgroup, 'pids'>> = [];
  walkContainerCgroups(
    (rel) => children.get(rel) ?? [],
    (path, hint) => found.push({ path, hint, nested: children.has(path) }),
  );
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
