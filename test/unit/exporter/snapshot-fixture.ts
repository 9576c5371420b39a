// Constructed snapshots for exporter unit tests: a docker container with limits and two processes (one carrying a
// secret in its command line), a Kubernetes pod container on cgroup v2 with PSI, and a bare lxc container.
import type { SnapshotProvider } from '../../../src/exporter/snapshots.js';
import type { Container, HostSnapshot, ProcessInfo } from '../../../src/snapshot/model.js';

export const SECRET = 'hunter2-SECRET-TOKEN';

function proc(hostPid: number, containerPid: number, comm: string, command: string, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    hostPid,
    containerPid,
    nsPids: [hostPid, containerPid],
    ppid: 1,
    threads: 1,
    state: 'S',
    comm,
    command,
    uid: 0,
    user: 'root',
    startTicks: 1000 + hostPid,
    cpuTicks: 250,
    rssBytes: 4 << 20,
    cgroups: [],
    namespaces: {},
    ...extra,
  };
}

const DOCKER_ID = 'a'.repeat(64);
const POD_ID = 'b'.repeat(64);

const docker: Container = {
  id: DOCKER_ID,
  name: 'web "quoted"\\name',
  runtime: 'docker',
  image: 'nginx:1.27',
  state: 'running',
  labels: { maintainer: 'x', 'com.docker.compose.service': 'web' },
  shim: { pid: 900, command: `containerd-shim-runc-v2 -namespace moby -id ${DOCKER_ID}` },
  init: { hostPid: 1001, containerPid: 1 },
  pids: [1001, 1002],
  namespaces: [
    { type: 'net', inode: 4026532001, sharedWithHost: false },
    { type: 'pid', inode: 4026532002, sharedWithHost: false },
    { type: 'user', inode: 4026531837, sharedWithHost: true },
  ],
  cgroup: {
    version: 1,
    path: `/docker/${DOCKER_ID}`,
    cpu: {
      usageSeconds: 12.5,
      userSeconds: 10,
      systemSeconds: 2.5,
      periods: 100,
      throttledPeriods: 7,
      throttledSeconds: 0.35,
      quotaMicros: 50000,
      periodMicros: 100000,
      shares: 1024,
    },
    memory: {
      usageBytes: 50_000_000,
      workingSetBytes: 40_000_000,
      rssBytes: 30_000_000,
      cacheBytes: 20_000_000,
      swapBytes: 0,
      failcnt: 3,
      limitBytes: 67_108_864,
      oomKills: 1,
      mappedFileBytes: 45_056,
      maxUsageBytes: 60_000_000,
      kernelUsageBytes: 442_368,
      pgfault: 1320,
      pgmajfault: 2,
      reservationBytes: 33_554_432,
      swapLimitBytes: 134_217_728,
    },
    pids: { current: 2, limit: 100 },
    io: {
      readBytes: 4096,
      writeBytes: 8192,
      readOps: 1,
      writeOps: 2,
      devices: [{ device: '/dev/vda', major: 254, minor: 0, bytes: { Read: 4096, Write: 8192, Total: 12288 } }],
    },
  },
  network: {
    rxBytes: 1000,
    rxPackets: 10,
    rxErrors: 0,
    rxDropped: 1,
    txBytes: 2000,
    txPackets: 20,
    txErrors: 0,
    txDropped: 0,
    interfaces: [
      { name: 'eth0', rxBytes: 1000, rxPackets: 10, rxErrors: 0, rxDropped: 1, txBytes: 2000, txPackets: 20, txErrors: 0, txDropped: 0 },
      { name: 'lo', rxBytes: 77, rxPackets: 1, rxErrors: 0, rxDropped: 0, txBytes: 77, txPackets: 1, txErrors: 0, txDropped: 0 },
    ],
  },
  descriptors: { files: 12, sockets: 3 },
  startedAt: 1_700_000_000,
  createdAt: 1_699_999_990,
  extra: { env: [`PASSWORD=${SECRET}`] },
};

const pod: Container = {
  id: POD_ID,
  name: 'k8s_app_web-0_shop_uid_0',
  runtime: 'containerd',
  image: 'registry.example/app:2',
  state: 'running',
  labels: { 'io.kubernetes.pod.name': 'web-0', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.container.name': 'app' },
  shim: { pid: 950, command: 'containerd-shim-runc-v2' },
  init: { hostPid: 2001, containerPid: 1 },
  pids: [2001],
  namespaces: [{ type: 'net', inode: 4026532101, sharedWithHost: false }],
  cgroup: {
    version: 2,
    path: '/kubepods.slice/kubepods-pod1.slice/cri-containerd-' + POD_ID + '.scope',
    cpu: {
      usageSeconds: 3,
      userSeconds: 2,
      systemSeconds: 1,
      periods: 0,
      throttledPeriods: 0,
      throttledSeconds: 0,
      periodMicros: 100000,
      shares: 100,
    },
    memory: { usageBytes: 10_000_000, workingSetBytes: 9_000_000, oomEvents: 0 },
    pids: { current: 1 },
    pressure: {
      cpu: { someTotalMicros: 1_500_000, fullTotalMicros: 500_000 },
      memory: { someTotalMicros: 0, fullTotalMicros: 0 },
      io: { someTotalMicros: 250_000 },
    },
  },
  network: null,
  startedAt: 1_700_000_100,
  createdAt: null,
  extra: {},
};

const lxc: Container = {
  id: 'box',
  name: 'box',
  runtime: 'lxc',
  image: '',
  state: 'running',
  labels: {},
  shim: null,
  init: { hostPid: 3001, containerPid: 1 },
  pids: [3001],
  namespaces: [],
  cgroup: null,
  network: null,
  startedAt: null,
  createdAt: null,
  extra: {},
};

export function fixtureSnapshot(): HostSnapshot {
  const processes = new Map<number, ProcessInfo>();
  for (const p of [
    proc(1001, 1, 'nginx', 'nginx -g daemon off;', { threads: 4 }),
    proc(1002, 7, 'worker', `/app/worker --password=${SECRET}`, { state: 'R' }),
    proc(2001, 1, 'app', 'app serve'),
    proc(3001, 1, 'init', '/sbin/init'),
  ]) {
    processes.set(p.hostPid, p);
  }
  return {
    takenAt: 1_700_000_500_000,
    monotonic: 1234.5,
    host: {
      hostname: 'node-1',
      kernel: '6.1.0',
      cpuCores: 2,
      cpuPhysicalCores: 2,
      cpuSockets: 1,
      memoryBytes: 4_000_000_000,
      bootTimeSeconds: 1_699_990_000,
      clockTicks: 100,
      pageSize: 4096,
      cgroupVersion: 'hybrid',
      hostNamespaces: {},
      cpuTotalTicks: 100000,
      cpuIdleTicks: 50000,
      memAvailableBytes: 2_000_000_000,
    },
    // copies: a test that changes its snapshot's containers changes no other test's
    containers: structuredClone([docker, pod, lxc]),
    processes,
    hostProcessCount: 321,
    scanDurationSeconds: 0.042,
    notes: [{ path: '/proc/1/ns', reason: 'EACCES', kind: 'denied' }],
    // the docker container's writable layer measured (the pod's not yet: no fs series for it)
    writableLayers: new Map([
      [
        DOCKER_ID,
        {
          device: '/dev/vda',
          usageBytes: 1_052_672,
          inodesUsed: 12,
          measuredAt: 1_700_000_480_000,
          limitBytes: 270_582_939_648,
          inodesTotal: 16_777_216,
          inodesFree: 16_000_000,
        },
      ],
    ]),
  };
}

/** Always the same snapshot: unit tests and golden files. */
export class FixedSnapshot implements SnapshotProvider {
  constructor(private readonly snapshot: HostSnapshot) {}
  get(): Promise<HostSnapshot> {
    return Promise.resolve(this.snapshot);
  }
}
