// The container cgroups a scanner knows of, in the hierarchy it walks (host/cgroupfs/layout.ts: discoveryHierarchy),
// and their members: found by a walk of the tree on a full pass, added one by one from new PIDs' memberships between
// full passes, and their members re-read every scan.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupHierarchy } from '../host/cgroupfs/layout.js';
import { collectPids } from '../host/cgroupfs/procs.js';
import { cgroupPathFor } from '../host/procfs/cgroup.js';
import type { HostReader } from '../host/reader.js';
import type { CgroupMembership } from '../host/records.js';
import { containerCgroupOf, findContainerCgroups, type ContainerCgroup } from '../discovery/cgroup-walk.js';

export class ContainerCgroups {
  /** Undefined until the first walk. */
  private list: ContainerCgroup[] | undefined;
  /** Paths of the known container cgroups that PIDs new to the host were found in, in this scan's pass. */
  readonly touched = new Set<string>();

  get walked(): boolean {
    return this.list !== undefined;
  }

  get all(): readonly ContainerCgroup[] {
    return this.list ?? [];
  }

  /** `members` false: each cgroup's members are left for readMembers (a one-shot scan that builds a few). */
  walk(r: HostReader, hier: CgroupHierarchy, members = true): void {
    this.list = findContainerCgroups(r, hier.dir, members);
  }

  /**
   * The container cgroups of a listing made aside (containerCgroupsListed), in place of a walk: those known keep
   * their members, new ones have theirs read by the refreshMembers that follows (every scan's), as a cgroup added
   * between walks has; those not listed are gone.
   */
  adopt(listed: ReadonlyArray<Omit<ContainerCgroup, 'pids'>>): void {
    const known = new Map(this.all.map((c) => [c.path, c]));
    this.list = listed.map((c) => {
      const k = known.get(c.path);
      return k ? Object.assign(k, { hint: c.hint, nested: c.nested }) : { ...c, pids: [] };
    });
  }

  /** Every member PID of every container cgroup. */
  memberPids(): Set<number> {
    const out = new Set<number>();
    for (const cg of this.all) for (const p of cg.pids) out.add(p);
    return out;
  }

  /** The container cgroup a process is in, by its memberships (in the walked hierarchy), if any. */
  containerOf(
    memberships: CgroupMembership[],
    hier: CgroupHierarchy | undefined,
  ): { path: string; hint: ContainerCgroup['hint'] } | undefined {
    const path = cgroupPathFor(memberships, hier?.controller);
    return path ? containerCgroupOf(path) : undefined;
  }

  has(path: string): boolean {
    return this.all.some((c) => c.path === path);
  }

  /** Add the container cgroup of a process found between walks (its members are read with the others'). */
  add(container: { path: string; hint: ContainerCgroup['hint'] }): void {
    this.touched.add(container.path);
    if (!this.list || this.has(container.path)) return;
    this.list.push({ ...container, pids: [], nested: container.hint.runtime === 'lxc' });
  }

  /**
   * Re-read every known container cgroup's members, but those of `still` ones (quiet-containers.ts: none of their
   * tasks ran, so none forked or exited); drop the cgroups that were removed.
   */
  refreshMembers(r: HostReader, hier: CgroupHierarchy | undefined, still?: (cg: ContainerCgroup) => boolean): void {
    if (!hier || !this.list) return;
    for (const cg of this.list) {
      if (cg.pids.length > 0 && still?.(cg)) continue;
      const pids: number[] = [];
      collectPids(r, join(hier.dir, cg.path), pids, cg.nested);
      cg.pids = pids;
    }
    this.list = this.list.filter((cg) => cg.pids.length > 0 || existsSync(join(hier.dir, cg.path)));
  }
}
