// The host's own facts for a snapshot: its namespaces (learnt once), and what /proc says each scan (CPU and memory
// totals, boot time, kernel, hostname), with the cgroup layout found at start.
import { join } from 'node:path';
import type { CgroupLayout } from '../host/cgroupfs/layout.js';
import { readCpuTopology } from '../host/cpu-topology.js';
import { readProcHostFacts } from '../host/procfs/host.js';
import { HostReader } from '../host/reader.js';
import type { HostPaths } from '../host/paths.js';
import { readHostNamespaces } from '../discovery/host-namespaces.js';
import type { HostInfo, NamespaceSet, ScanNote } from './model.js';

/** Linux reports stat times in USER_HZ, 100 on every architecture Linux runs containers on. */
export const CLOCK_TICKS = 100;
export const PAGE_SIZE = ['ppc64', 'ppc64le'].includes(process.arch) ? 65536 : 4096;

/**
 * The host's namespaces, from PID 1 or else PID 2; one note (not one per link) when PID 1 could not be read. Read
 * once per scanner, before its files are set up, so through a reader of its own.
 */
export function learnHostNamespaces(paths: HostPaths, notes: ScanNote[]): NamespaceSet {
  const host = readHostNamespaces(new HostReader(paths));
  if (host.fromPid !== 1) {
    const reason = host.fromPid === 2 ? 'unreadable; host namespaces taken from PID 2 (kthreadd)' : 'host namespaces unreadable';
    notes.push({ path: join(paths.proc, '1/ns'), reason, kind: 'denied' });
  }
  return host.namespaces;
}

export function readHostInfo(r: HostReader, layout: CgroupLayout, hostNamespaces: NamespaceSet): HostInfo {
  const facts = readProcHostFacts(r);
  const topology = readCpuTopology(r);
  return {
    hostname: facts.hostname,
    kernel: facts.kernel,
    cpuCores: facts.cpuCores,
    ...(topology ? { cpuPhysicalCores: topology.physicalCores, cpuSockets: topology.sockets } : {}),
    memoryBytes: facts.memoryBytes,
    bootTimeSeconds: facts.bootTimeSeconds,
    clockTicks: CLOCK_TICKS,
    pageSize: PAGE_SIZE,
    cgroupVersion: layout.version,
    hostNamespaces,
    cpuTotalTicks: facts.cpuTotalTicks,
    cpuIdleTicks: facts.cpuIdleTicks,
    memAvailableBytes: facts.memAvailableBytes,
  };
}
