// The JSON contract of `tctop inspect --json` and `tctop ps --json` (scripts and tests rely on these keys).
import type { Container, HostSnapshot } from '../snapshot/model.js';
import { portsCell } from './ports-cell.js';
import { rootfsJson, type RootfsReport } from './rootfs-report.js';

const iso = (s: number | null | undefined) => (s === null || s === undefined ? null : new Date(s * 1000).toISOString());

export function processRows(c: Container, snapshot: HostSnapshot) {
  return c.pids.flatMap((pid) => {
    const p = snapshot.processes.get(pid);
    return p
      ? [
          {
            hostPid: p.hostPid,
            containerPid: p.containerPid,
            ppid: p.ppid,
            user: p.user,
            command: p.command,
            state: p.state,
            threads: p.threads,
            rssBytes: p.rssBytes,
            nsPids: p.nsPids,
          },
        ]
      : [];
  });
}

/** The keys every container object starts with, in ps and inspect alike. */
function identity(c: Container) {
  return { id: c.id, name: c.name, runtime: c.runtime, image: c.image, state: c.state };
}

export function inspectJson(c: Container, snapshot: HostSnapshot, rootfs?: RootfsReport): Record<string, unknown> {
  return {
    ...identity(c),
    labels: c.labels,
    shim: c.shim,
    init: c.init,
    processes: processRows(c, snapshot),
    namespaces: c.namespaces,
    cgroup: c.cgroup,
    network: c.network,
    rootfs: rootfsJson(rootfs),
    startedAt: iso(c.startedAt),
    createdAt: iso(c.createdAt),
    // runtime extras (exit code, OOM kill, bundle; for tctop's own: its state file's times) come last
    ...c.extra,
  };
}

export function psJson(c: Container, now: number) {
  return {
    ...identity(c),
    init: c.init,
    shim: c.shim,
    processes: c.pids.length,
    cpuPercent: lifetimeCpuPercent(c, now),
    memoryBytes: c.cgroup?.memory?.usageBytes ?? null,
    memoryLimitBytes: c.cgroup?.memory?.limitBytes ?? null,
    uptimeSeconds: c.init && c.startedAt ? Math.max(0, now - c.startedAt) : null,
    labels: c.labels,
    ports: portsCell(c),
  };
}

/** CPU% as ps(1) computes it: CPU time over lifetime (one-shot commands have no second sample). */
export function lifetimeCpuPercent(c: Container, now: number): number | null {
  const used = c.cgroup?.cpu?.usageSeconds;
  if (used === undefined || !c.startedAt || !c.init) return null;
  const life = now - c.startedAt;
  return life > 0 ? Math.round((1000 * used) / life) / 10 : 0;
}
