// The machine's CPU topology from sysfs: physical cores and sockets (cAdvisor's machine_cpu_physical_cores and
// machine_cpu_sockets). A core is a (package, core id) pair, so two sockets whose cores are numbered alike are not
// counted as one. Read once per root: topology changes only with CPU hotplug.
import { join } from 'node:path';
import type { HostReader } from './reader.js';

export interface CpuTopology {
  physicalCores: number;
  sockets: number;
}

/** Topology from each online CPU's (physical_package_id, core_id); null when sysfs does not say. */
export function countTopology(cpus: ReadonlyArray<{ packageId: string; coreId: string }>): CpuTopology | null {
  if (cpus.length === 0) return null;
  const cores = new Set(cpus.map((c) => `${c.packageId}:${c.coreId}`));
  const sockets = new Set(cpus.map((c) => c.packageId));
  return { physicalCores: cores.size, sockets: sockets.size };
}

const cached = new Map<string, CpuTopology | null>();

export function readCpuTopology(r: HostReader): CpuTopology | null {
  const dir = join(r.paths.root, 'sys/devices/system/cpu');
  if (cached.has(dir)) return cached.get(dir)!;
  const cpus: Array<{ packageId: string; coreId: string }> = [];
  for (const name of r.list(dir)) {
    if (!/^cpu\d+$/.test(name)) continue;
    const packageId = r.recordText(join(dir, name, 'topology/physical_package_id'))?.trim();
    const coreId = r.recordText(join(dir, name, 'topology/core_id'))?.trim();
    if (packageId && coreId) cpus.push({ packageId, coreId });
  }
  const topology = countTopology(cpus);
  cached.set(dir, topology);
  return topology;
}
