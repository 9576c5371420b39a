// Grouping (key o): the table's rows folded under their Docker Compose project, Kubernetes pod or podman pod, one
// row per group with its members' CPU, memory, PIDs and rates summed; Enter on a group row unfolds it.
import type { Container } from '../../snapshot/model.js';
import type { ContainerRow, SortKey } from './container-rows.js';
import { sortRows } from './container-rows.js';

export interface RowGroup {
  kind: 'compose' | 'pod' | 'podman pod';
  name: string;
}

export const GROUP_ID_PREFIX = 'group:';

/** podman puts a pod's containers in machine-libpod_pod_<pod ID>.slice (systemd) or libpod_pod_<pod ID> (cgroupfs). */
const PODMAN_POD = /libpod_pod_([0-9a-f]{12,64})/;

export function groupOf(c: Container): RowGroup | undefined {
  const project = c.labels['com.docker.compose.project'];
  if (project) return { kind: 'compose', name: project };
  const pod = c.labels['io.kubernetes.pod.name'];
  if (pod) return { kind: 'pod', name: `${c.labels['io.kubernetes.pod.namespace'] ?? 'default'}/${pod}` };
  const podman = c.runtime === 'podman' ? PODMAN_POD.exec(c.cgroup?.path ?? '') : null;
  if (podman) return { kind: 'podman pod', name: podman[1].slice(0, 12) };
  return undefined;
}

export const groupId = (g: RowGroup) => `${GROUP_ID_PREFIX}${g.kind}:${g.name}`;
export const isGroupId = (id: string | undefined) => id?.startsWith(GROUP_ID_PREFIX) ?? false;

const sum = (rows: ContainerRow[], f: (r: ContainerRow) => number | undefined): number | undefined => {
  const vs = rows.map(f).filter((v): v is number => v !== undefined);
  return vs.length ? vs.reduce((a, b) => a + b, 0) : undefined;
};

/** One row standing for `members`: their figures summed (a limit only when every member has one). */
export function groupRow(g: RowGroup, members: ContainerRow[], open: boolean): ContainerRow {
  const states = new Set(members.map((m) => m.state));
  const limits = members.map((m) => m.memLimitBytes);
  return {
    id: groupId(g),
    name: `${open ? '▼' : '▶'} ${g.name}`,
    runtime: members[0].runtime,
    image: `${g.kind}, ${members.length} container${members.length === 1 ? '' : 's'}`,
    state: states.size === 1 ? members[0].state : 'mixed',
    cpuPercent: sum(members, (m) => m.cpuPercent),
    memBytes: sum(members, (m) => m.memBytes),
    memLimitBytes: limits.every((l) => l !== undefined) ? sum(members, (m) => m.memLimitBytes) : undefined,
    pids: members.reduce((a, m) => a + m.pids, 0),
    netRxPerSec: sum(members, (m) => m.netRxPerSec),
    netTxPerSec: sum(members, (m) => m.netTxPerSec),
    ioPerSec: sum(members, (m) => m.ioPerSec),
    uptimeSeconds:
      Math.max(...members.map((m) => m.uptimeSeconds ?? -1)) >= 0 ? Math.max(...members.map((m) => m.uptimeSeconds ?? -1)) : undefined,
    pressure: members.some((m) => m.pressure === 'high') ? 'high' : members.some((m) => m.pressure === 'warn') ? 'warn' : 'ok',
  };
}

/**
 * The rows grouped: groups and ungrouped containers sorted together by `key`, an open group's members (sorted)
 * right below it, their names marked as its branch.
 */
export function groupRows(rows: readonly ContainerRow[], open: ReadonlySet<string>, key: SortKey, reverse: boolean): ContainerRow[] {
  const members = new Map<string, { group: RowGroup; rows: ContainerRow[] }>();
  const top: ContainerRow[] = [];
  for (const r of rows) {
    if (!r.group) {
      top.push(r);
      continue;
    }
    const id = groupId(r.group);
    const entry = members.get(id);
    if (entry) entry.rows.push(r);
    else members.set(id, { group: r.group, rows: [r] });
  }
  for (const [id, { group, rows: rs }] of members) top.push(groupRow(group, rs, open.has(id)));
  return sortRows(top, key, reverse).flatMap((r) => {
    const entry = members.get(r.id);
    if (!entry || !open.has(r.id)) return [r];
    const sorted = sortRows(entry.rows, key, reverse);
    return [r, ...sorted.map((m, i) => ({ ...m, name: `${i === sorted.length - 1 ? '└' : '├'} ${m.name}` }))];
  });
}
