// Turning processes into candidate containers: container cgroups first, then unclaimed processes in a non-host
// PID namespace grouped by that namespace. Picks each group's init.
import type { ProcessInfo } from '../snapshot/model.js';
import type { ContainerCgroup } from './cgroup-walk.js';
import type { CgroupHint } from './types.js';

export interface ProcessGroup {
  key: string;
  cgroupPath?: string;
  hint?: CgroupHint;
  members: ProcessInfo[];
  init: ProcessInfo;
}

/** The init: the container-PID-1 process of a private PID namespace, else the oldest process whose parent is outside. */
export function chooseInit(members: ProcessInfo[]): ProcessInfo {
  const inside = new Set(members.map((p) => p.hostPid));
  const roots = members.filter((p) => !inside.has(p.ppid));
  const pool = roots.length ? roots : members;
  const nsInit = pool.find((p) => p.nsPids.length > 1 && p.containerPid === 1);
  if (nsInit) return nsInit;
  return pool.reduce((a, b) => (b.startTicks < a.startTicks || (b.startTicks === a.startTicks && b.hostPid < a.hostPid) ? b : a));
}

/** Container cgroups with live members, one group each; `claimed` holds every PID they took. */
export function cgroupGroups(
  cgroups: ContainerCgroup[],
  processOf: (pid: number) => ProcessInfo | undefined,
): { groups: ProcessGroup[]; claimed: Set<number> } {
  const groups: ProcessGroup[] = [];
  const claimed = new Set<number>();
  for (const cg of cgroups) {
    const members = cg.pids.map(processOf).filter((p): p is ProcessInfo => p !== undefined);
    if (members.length === 0) continue; // an empty cgroup left behind by a stopped container
    for (const p of members) claimed.add(p.hostPid);
    groups.push({ key: `cgroup:${cg.path}`, cgroupPath: cg.path, hint: cg.hint, members, init: chooseInit(members) });
  }
  return { groups, claimed };
}

/** Unclaimed processes of non-host PID namespaces, one group per namespace. */
export function namespaceGroups(
  nsCandidates: Iterable<{ pid: number; pidns: number }>,
  processOf: (pid: number) => ProcessInfo | undefined,
  claimed: Set<number>,
): ProcessGroup[] {
  const byNs = new Map<number, ProcessInfo[]>();
  for (const { pid, pidns } of nsCandidates) {
    if (claimed.has(pid)) continue;
    const p = processOf(pid);
    if (!p) continue;
    const list = byNs.get(pidns) ?? [];
    list.push(p);
    byNs.set(pidns, list);
  }
  return [...byNs].map(([pidns, members]) => ({ key: `pidns:${pidns}`, members, init: chooseInit(members) }));
}
