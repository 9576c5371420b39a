// `tctop info`: the host as discovery sees it: kernel, cgroup version and driver, runtimes and their containers.
import type { Container, HostSnapshot, RuntimeName } from '../snapshot/model.js';

export interface RuntimeInfo {
  name: RuntimeName;
  containers: number;
  running: number;
  paused: number;
  stopped: number;
  /** How its containers' cgroups are named: by systemd (scopes and slices) or by the runtime itself (cgroupfs). */
  cgroupDrivers: Array<'systemd' | 'cgroupfs'>;
}

export interface HostInfoReport {
  hostname: string;
  os: string | null;
  kernel: string;
  cpus: number;
  memoryBytes: number;
  cgroupVersion: 1 | 2 | 'hybrid';
  containers: { total: number; running: number; paused: number; stopped: number };
  runtimes: RuntimeInfo[];
  processes: number;
  engine: { version: string; root: string; images: number };
}

/** systemd names units `<name>.scope`/`.slice`; cgroupfs drivers use plain directories (`/docker/<id>`). */
export function cgroupDriver(c: Container): 'systemd' | 'cgroupfs' | null {
  const path = c.cgroup?.path;
  if (!path) return null;
  return /\.(scope|slice)(\/|$)/.test(path) ? 'systemd' : 'cgroupfs';
}

const isRunning = (c: Container) => c.init !== null && c.state !== 'paused';

export function hostInfoReport(snapshot: HostSnapshot, os: string | null, engine: HostInfoReport['engine']): HostInfoReport {
  const count = (cs: Container[]) => ({
    running: cs.filter(isRunning).length,
    paused: cs.filter((c) => c.state === 'paused').length,
    stopped: cs.filter((c) => c.init === null && c.state !== 'paused').length,
  });
  const byRuntime = new Map<RuntimeName, Container[]>();
  for (const c of snapshot.containers) byRuntime.set(c.runtime, [...(byRuntime.get(c.runtime) ?? []), c]);
  const runtimes = [...byRuntime.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, cs]) => ({
      name,
      containers: cs.length,
      ...count(cs),
      cgroupDrivers: [...new Set(cs.map(cgroupDriver).filter((d): d is 'systemd' | 'cgroupfs' => d !== null))].sort(),
    }));
  return {
    hostname: snapshot.host.hostname,
    os,
    kernel: snapshot.host.kernel,
    cpus: snapshot.host.cpuCores,
    memoryBytes: snapshot.host.memoryBytes,
    cgroupVersion: snapshot.host.cgroupVersion,
    containers: { total: snapshot.containers.length, ...count(snapshot.containers) },
    runtimes,
    processes: snapshot.hostProcessCount,
    engine,
  };
}
