// The bundle's config.json: a real OCI runtime-spec config describing what the shim sets up, so the bundle is
// usable by any OCI tool and a user can read exactly how the container was run.
import { DOCKER_DEFAULT_CAPABILITIES } from '../security/capabilities.js';
import type { ContainerSpec } from './spec.js';

/** docker's default capability set: one list, the security module's (its order is docker's). */
export const DEFAULT_CAPABILITIES = DOCKER_DEFAULT_CAPABILITIES;

export const MASKED_PATHS = [
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

const CPU_PERIOD = 100_000;

/** `netns`: the prepared namespace file a bridged (or container:<ref>) container joins. */
export function buildOciConfig(id: string, spec: ContainerSpec, netns?: string): Record<string, unknown> {
  const root = spec.user.uid === 0;
  const bounding = spec.security?.capabilities ?? DEFAULT_CAPABILITIES;
  const caps = root ? bounding : [];
  const privileged = spec.security?.privileged === true;
  const ownNet = spec.network !== 'host';
  const resources: Record<string, unknown> = {};
  if (spec.limits.memoryBytes !== undefined) resources.memory = { limit: spec.limits.memoryBytes, swap: spec.limits.memoryBytes };
  const cpu: Record<string, unknown> = {};
  if (spec.limits.nanoCpus !== undefined)
    Object.assign(cpu, { period: CPU_PERIOD, quota: Math.round((spec.limits.nanoCpus / 1e9) * CPU_PERIOD) });
  if (spec.limits.cpusetCpus !== undefined) cpu.cpus = spec.limits.cpusetCpus;
  if (Object.keys(cpu).length) resources.cpu = cpu;
  if (spec.limits.pidsLimit !== undefined) resources.pids = { limit: spec.limits.pidsLimit };
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: spec.user.uid, gid: spec.user.gid, additionalGids: spec.user.groups },
      args: spec.args,
      env: spec.env,
      cwd: spec.cwd,
      capabilities: { bounding, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: spec.readonly },
    hostname: spec.hostname,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
      },
      {
        destination: '/sys',
        type: ownNet ? 'sysfs' : 'bind',
        source: ownNet ? 'sysfs' : '/sys',
        options: (ownNet ? ['nosuid', 'noexec', 'nodev', 'ro'] : ['rbind', 'nosuid', 'noexec', 'nodev', 'ro']).map((o) =>
          o === 'ro' && privileged ? 'rw' : o,
        ),
      },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864'] },
      ...spec.binds.map((b) => ({
        destination: b.destination,
        type: 'bind',
        source: b.source,
        options: ['rbind', b.readOnly ? 'ro' : 'rw'],
      })),
    ],
    linux: {
      namespaces: [
        { type: 'pid' },
        { type: 'mount' },
        { type: 'uts' },
        { type: 'ipc' },
        { type: 'cgroup' },
        ...(ownNet ? [netns ? { type: 'network', path: netns } : { type: 'network' }] : []),
      ],
      resources,
      cgroupsPath: `/tctop/${id}`,
      maskedPaths: privileged ? [] : MASKED_PATHS,
      readonlyPaths: privileged ? [] : READONLY_PATHS,
      ...(spec.security && spec.security.seccomp !== 'unconfined'
        ? { seccomp: { profile: spec.security.seccomp, compiled: 'seccomp.bpf' } }
        : {}),
    },
    annotations: { 'org.tctop.lowerdirs': spec.lowerdirs.join(':') },
  };
}
