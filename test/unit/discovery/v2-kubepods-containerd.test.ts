// Fixture host 2: cgroup v2, Kubernetes with containerd's CRI plugin and the systemd cgroup driver.
// Layout: /kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid with _>.slice/cri-containerd-<id>.scope, one
// containerd-shim-runc-v2 per pod (-namespace k8s.io -id <sandbox id>) in /system.slice/containerd.service, its cwd
// the sandbox's bundle /run/containerd/io.containerd.runtime.v2.task/k8s.io/<sandbox id>, each container's bundle
// beside it with io.kubernetes.cri.* annotations in config.json. The pause container holds the pod's net, ipc and
// uts namespaces; app containers join them and have their own pid, mnt and cgroup namespaces.
// Sources: the cgroup tree quoted in netdata/netdata#4868 (pod and container IDs reused from it), the besteffort
// path of containerd/nri#227, annotation keys from containerd's pkg/cri/annotations (k3s vendor copy) and
// containerd/cri#1436; file formats from the kernel's cgroup-v2.rst. Values: test/fixtures/hosts/v2-kubepods-containerd.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanHost } from '../../../src/snapshot/scanner.js';
import type { Container } from '../../../src/snapshot/model.js';
import { FixtureHost, HOST_NS, fixtureDir, netDev } from '../../helpers/fixture-host.js';
import { assertAsideScanAgrees } from '../../helpers/scan-aside.js';

const POD_UID = '55c6c714-b240-4dec-9a45-57b61696ab6e';
const POD_SLICE = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_UID.replace(/-/g, '_')}.slice`;
const SANDBOX = '2032491dcae31e6746f47daa0ac74564f2843a1bd847c5e6c4eb501ca132ac36';
const NGINX = '7bd5db88ae6e5e52e941a2709ed9c18d7572f32db6ea44e8afe783227711151a';
const SIDECAR = '7dea796eb5d6826a85978fa316612874aa3d576ac576495bed83d77fbc9dc744';
const BE_UID = '1e597579-417e-482f-bf65-5fe170c3aebd';
const BE_SLICE = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${BE_UID.replace(/-/g, '_')}.slice`;
const BE_SANDBOX = 'd7dfb4a21fe1703a8537e60d5af248af729315d187b24a538102d14874c8117d';
const BE_JOB = 'a09bc17f5aa29b0dbdec9ede5f46cf1396d2405917ab02e6f1eb1019f388396e';
const TASKS = '/run/containerd/io.containerd.runtime.v2.task/k8s.io';
const shimArgs = (id: string) => [
  '/usr/bin/containerd-shim-runc-v2',
  '-namespace',
  'k8s.io',
  '-id',
  id,
  '-address',
  '/run/containerd/containerd.sock',
];

// the pod's shared namespaces (made by pause) and each container's own
const POD_NS = { net: 4026532410, ipc: 4026532408, uts: 4026532407 };
const PAUSE_NS = { ...POD_NS, pid: 4026532409, mnt: 4026532406, cgroup: 4026532411 };
const NGINX_NS = { ...POD_NS, pid: 4026532414, mnt: 4026532412, cgroup: 4026532415 };
const SIDECAR_NS = { ...POD_NS, pid: 4026532418, mnt: 4026532416, cgroup: 4026532419 };
const BE_NS = { net: 4026532510, ipc: 4026532508, uts: 4026532507 };

function bundle(
  kind: 'sandbox' | 'container',
  sandboxId: string,
  pod: string,
  ns: string,
  uid: string,
  extra: Record<string, string> = {},
) {
  return {
    ociVersion: '1.1.0',
    process: { user: { uid: 0, gid: 0 }, args: kind === 'sandbox' ? ['/pause'] : ['/docker-entrypoint.sh'], cwd: '/' },
    root: { path: 'rootfs' },
    annotations: {
      'io.kubernetes.cri.container-type': kind,
      'io.kubernetes.cri.sandbox-id': sandboxId,
      'io.kubernetes.cri.sandbox-name': pod,
      'io.kubernetes.cri.sandbox-namespace': ns,
      'io.kubernetes.cri.sandbox-uid': uid,
      ...(kind === 'sandbox'
        ? { 'io.kubernetes.cri.sandbox-log-directory': `/var/log/pods/${ns}_${pod}_${uid}`, 'io.kubernetes.cri.sandbox-cpu-shares': '2' }
        : {}),
      ...extra,
    },
  };
}

/** A secondary container's cgroup: the files a scan reads, small values. */
function smallCgroup(current: number, anon: number, file: number, inactiveFile: number, usageUsec: number, weight: number) {
  return {
    'memory.current': `${current}\n`,
    'memory.stat': `anon ${anon}\nfile ${file}\ninactive_file ${inactiveFile}\n`,
    'memory.max': 'max\n',
    'cpu.stat': `usage_usec ${usageUsec}\nuser_usec ${usageUsec}\nsystem_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n`,
    'cpu.max': 'max 100000\n',
    'cpu.weight': `${weight}\n`,
    'pids.current': '1\n',
    'pids.max': 'max\n',
  };
}

function k8sHost(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2', hostname: 'worker-2' });
  h.process({ pid: 612, ppid: 1, comm: 'containerd', args: ['/usr/bin/containerd'], cgroup: '/system.slice/containerd.service' });
  h.process({
    pid: 700,
    ppid: 1,
    comm: 'kubelet',
    args: ['/usr/bin/kubelet', '--cgroup-driver=systemd'],
    cgroup: '/system.slice/kubelet.service',
  });
  // pod 1 (burstable): one shim for pause + nginx + sidecar
  h.process({
    pid: 3000,
    ppid: 1,
    comm: 'containerd-shim-runc-v2',
    args: shimArgs(SANDBOX),
    cgroup: '/system.slice/containerd.service',
    cwd: `${TASKS}/${SANDBOX}`,
  });
  h.process({
    pid: 3010,
    ppid: 3000,
    comm: 'pause',
    args: ['/pause'],
    uid: 65535,
    cgroup: `${POD_SLICE}/cri-containerd-${SANDBOX}.scope`,
    ns: PAUSE_NS,
    nspid: [3010, 1],
    netDev: netDev([
      { name: 'lo', rx: [512, 8, 0, 0], tx: [512, 8, 0, 0] },
      { name: 'eth0', rx: [7340032, 5120, 0, 0], tx: [2097152, 4096, 0, 0] },
    ]),
  });
  h.process({
    pid: 3050,
    ppid: 3000,
    comm: 'nginx',
    args: ['nginx: master process nginx -g daemon off;'],
    cgroup: `${POD_SLICE}/cri-containerd-${NGINX}.scope`,
    ns: NGINX_NS,
    nspid: [3050, 1],
    netDev: netDev([
      { name: 'lo', rx: [512, 8, 0, 0], tx: [512, 8, 0, 0] },
      { name: 'eth0', rx: [7340032, 5120, 0, 0], tx: [2097152, 4096, 0, 0] },
    ]),
  });
  h.process({
    pid: 3060,
    ppid: 3050,
    comm: 'nginx',
    args: ['nginx: worker process'],
    uid: 101,
    cgroup: `${POD_SLICE}/cri-containerd-${NGINX}.scope`,
    ns: NGINX_NS,
    nspid: [3060, 30],
  });
  h.process({
    pid: 3080,
    ppid: 3000,
    comm: 'sleep',
    args: ['sleep', 'infinity'],
    cgroup: `${POD_SLICE}/cri-containerd-${SIDECAR}.scope`,
    ns: SIDECAR_NS,
    nspid: [3080, 1],
  });
  // `kubectl exec web -c nginx -- sh`: the shim forks it into the nginx container
  h.process({
    pid: 3300,
    ppid: 3000,
    comm: 'sh',
    args: ['sh'],
    cgroup: `${POD_SLICE}/cri-containerd-${NGINX}.scope`,
    ns: NGINX_NS,
    nspid: [3300, 47],
  });
  h.json(`${TASKS}/${SANDBOX}/config.json`, bundle('sandbox', SANDBOX, 'web-7d4b9c-xk2lp', 'shop', POD_UID));
  h.json(
    `${TASKS}/${NGINX}/config.json`,
    bundle('container', SANDBOX, 'web-7d4b9c-xk2lp', 'shop', POD_UID, {
      'io.kubernetes.cri.container-name': 'nginx',
      'io.kubernetes.cri.image-name': 'docker.io/library/nginx:1.25',
    }),
  );
  h.json(
    `${TASKS}/${SIDECAR}/config.json`,
    bundle('container', SANDBOX, 'web-7d4b9c-xk2lp', 'shop', POD_UID, {
      'io.kubernetes.cri.container-name': 'log-shipper',
      'io.kubernetes.cri.image-name': 'docker.io/library/busybox:1.36',
    }),
  );
  h.cgroupFiles(`${POD_SLICE}/cri-containerd-${NGINX}.scope`, fixtureDir('v2-kubepods-containerd/nginx'));
  h.cgroupFiles(`${POD_SLICE}/cri-containerd-${SANDBOX}.scope`, smallCgroup(245760, 40960, 0, 0, 31250, 1));
  h.cgroupFiles(`${POD_SLICE}/cri-containerd-${SIDECAR}.scope`, smallCgroup(1130496, 282624, 786432, 524288, 2405, 2));
  // pod 2 (besteffort): its own shim
  h.process({
    pid: 3200,
    ppid: 1,
    comm: 'containerd-shim-runc-v2',
    args: shimArgs(BE_SANDBOX),
    cgroup: '/system.slice/containerd.service',
    cwd: `${TASKS}/${BE_SANDBOX}`,
  });
  h.process({
    pid: 3210,
    ppid: 3200,
    comm: 'pause',
    args: ['/pause'],
    uid: 65535,
    cgroup: `${BE_SLICE}/cri-containerd-${BE_SANDBOX}.scope`,
    ns: { ...BE_NS, pid: 4026532509, mnt: 4026532506 },
    nspid: [3210, 1],
  });
  h.process({
    pid: 3250,
    ppid: 3200,
    comm: 'python3',
    args: ['python3', '/app/job.py'],
    uid: 1000,
    cgroup: `${BE_SLICE}/cri-containerd-${BE_JOB}.scope`,
    ns: { ...BE_NS, pid: 4026532514, mnt: 4026532512 },
    nspid: [3250, 1],
  });
  h.json(`${TASKS}/${BE_SANDBOX}/config.json`, bundle('sandbox', BE_SANDBOX, 'report-28345110-9zqk4', 'batch', BE_UID));
  h.json(
    `${TASKS}/${BE_JOB}/config.json`,
    bundle('container', BE_SANDBOX, 'report-28345110-9zqk4', 'batch', BE_UID, {
      'io.kubernetes.cri.container-name': 'report',
      'io.kubernetes.cri.image-name': 'registry.example.com/report:2.4',
    }),
  );
  h.cgroupFiles(`${BE_SLICE}/cri-containerd-${BE_SANDBOX}.scope`, smallCgroup(200704, 36864, 0, 0, 20011, 1));
  h.cgroupFiles(`${BE_SLICE}/cri-containerd-${BE_JOB}.scope`, smallCgroup(73400320, 62914560, 10485760, 8388608, 912003300, 1));
  return h.build();
}

const byId = (cs: Container[], id: string) => {
  const c = cs.find((x) => x.id === id);
  assert.ok(c, `container ${id.slice(0, 12)} found`);
  return c;
};

test('v2 kubepods/containerd: one row per pod container, named pod/container, from the CRI annotations', (t) => {
  const snap = scanHost({ root: k8sHost(t) });
  assert.deepEqual(
    snap.containers.map((c) => [c.runtime, c.name, c.image, c.state, c.id]),
    [
      ['containerd', 'report-28345110-9zqk4/POD', '', 'running', BE_SANDBOX],
      ['containerd', 'report-28345110-9zqk4/report', 'registry.example.com/report:2.4', 'running', BE_JOB],
      // sorted by runtime, then name as localeCompare orders it (case-insensitive first)
      ['containerd', 'web-7d4b9c-xk2lp/log-shipper', 'docker.io/library/busybox:1.36', 'running', SIDECAR],
      ['containerd', 'web-7d4b9c-xk2lp/nginx', 'docker.io/library/nginx:1.25', 'running', NGINX],
      ['containerd', 'web-7d4b9c-xk2lp/POD', '', 'running', SANDBOX],
    ],
  );
  const nginx = byId(snap.containers, NGINX);
  assert.deepEqual(nginx.labels, {
    'io.kubernetes.pod.name': 'web-7d4b9c-xk2lp',
    'io.kubernetes.pod.namespace': 'shop',
    'io.kubernetes.container.name': 'nginx',
    'io.kubernetes.container.type': 'container',
    'io.containerd.namespace': 'k8s.io',
  });
  assert.deepEqual(byId(snap.containers, SANDBOX).labels, {
    'io.kubernetes.pod.name': 'web-7d4b9c-xk2lp',
    'io.kubernetes.pod.namespace': 'shop',
    'io.kubernetes.container.type': 'sandbox',
    'io.containerd.namespace': 'k8s.io',
  });
  assert.equal(byId(snap.containers, BE_JOB).labels['io.kubernetes.pod.namespace'], 'batch');
  assert.equal(nginx.extra.bundle, `${TASKS}/${NGINX}`);
});

test("v2 kubepods/containerd: the pod's one shim is every container's shim; inits, processes and exec'd ones", (t) => {
  const cs = scanHost({ root: k8sHost(t) }).containers;
  const shim = { pid: 3000, command: shimArgs(SANDBOX).join(' ') };
  for (const id of [SANDBOX, NGINX, SIDECAR]) assert.deepEqual(byId(cs, id).shim, shim, id.slice(0, 12));
  assert.deepEqual(byId(cs, BE_JOB).shim, { pid: 3200, command: shimArgs(BE_SANDBOX).join(' ') });
  assert.deepEqual(byId(cs, SANDBOX).init, { hostPid: 3010, containerPid: 1 });
  assert.deepEqual(byId(cs, NGINX).init, { hostPid: 3050, containerPid: 1 });
  assert.deepEqual(byId(cs, SIDECAR).init, { hostPid: 3080, containerPid: 1 });
  assert.deepEqual(byId(cs, SANDBOX).pids, [3010]);
  assert.deepEqual(byId(cs, NGINX).pids, [3050, 3060, 3300]);
  assert.deepEqual(byId(cs, SIDECAR).pids, [3080]);
  assert.deepEqual(byId(cs, BE_JOB).pids, [3250]);
});

test("v2 kubepods/containerd: app containers share the pause container's net/ipc/uts, not the host's", (t) => {
  const cs = scanHost({ root: k8sHost(t) }).containers;
  const nsOf = (id: string) => Object.fromEntries(byId(cs, id).namespaces.map((n) => [n.type, [n.inode, n.sharedWithHost]]));
  assert.deepEqual(nsOf(NGINX), {
    cgroup: [NGINX_NS.cgroup, false],
    ipc: [POD_NS.ipc, false],
    mnt: [NGINX_NS.mnt, false],
    net: [POD_NS.net, false],
    pid: [NGINX_NS.pid, false],
    time: [HOST_NS.time, true],
    user: [HOST_NS.user, true],
    uts: [POD_NS.uts, false],
  });
  assert.equal(nsOf(SIDECAR).net[0], nsOf(SANDBOX).net[0]);
  assert.notEqual(nsOf(SIDECAR).pid[0], nsOf(NGINX).pid[0]);
});

test('v2 kubepods/containerd: every cgroup figure of the nginx container; QoS weights of the others', (t) => {
  const cs = scanHost({ root: k8sHost(t) }).containers;
  const nginx = byId(cs, NGINX);
  assert.deepEqual(nginx.cgroup, {
    version: 2,
    path: `${POD_SLICE}/cri-containerd-${NGINX}.scope`,
    frozen: false, // cgroup.events: frozen 0
    cpu: {
      usageSeconds: 8.120344,
      userSeconds: 5.120001,
      systemSeconds: 3.000343,
      periods: 0,
      throttledPeriods: 0,
      throttledSeconds: 0,
      quotaMicros: undefined, // cpu.max "max 100000": no limit
      periodMicros: 100000,
      shares: 238, // cpu.weight 10 -> 2 + 9 * 262142 / 9999 = 237.95
      cpusetCpus: undefined,
    },
    memory: {
      usageBytes: 44040192,
      workingSetBytes: 44040192 - 7340032,
      rssBytes: 30408704,
      cacheBytes: 11534336,
      swapBytes: 0,
      limitBytes: undefined, // memory.max "max"
      oomKills: 0,
      oomEvents: 0,
      failcnt: 0,
      kernelUsageBytes: 2097152,
      mappedFileBytes: 7430144,
      pgfault: 7593,
      pgmajfault: 112,
    },
    pids: { current: 5, limit: undefined },
    io: {
      readBytes: 20480,
      writeBytes: 4096,
      readOps: 5,
      writeOps: 1,
      devices: [{ device: '', major: 259, minor: 0, bytes: { Read: 20480, Write: 4096 } }],
    },
    pressure: {
      cpu: { someTotalMicros: 120441, fullTotalMicros: 98010 },
      memory: { someTotalMicros: 0, fullTotalMicros: 0 },
      io: { someTotalMicros: 5012, fullTotalMicros: 4999 },
    },
  });
  assert.equal(nginx.network?.rxBytes, 7340032);
  assert.equal(nginx.network?.txBytes, 2097152);
  const job = byId(cs, BE_JOB).cgroup!;
  assert.equal(job.path, `${BE_SLICE}/cri-containerd-${BE_JOB}.scope`);
  assert.equal(job.memory?.workingSetBytes, 73400320 - 8388608);
  assert.equal(job.cpu?.shares, 2); // besteffort: cpu.weight 1
  assert.equal(job.cpu?.usageSeconds, 912.0033);
  assert.equal(byId(cs, SIDECAR).cgroup?.memory?.workingSetBytes, 1130496 - 524288);
});

test("v2 kubepods/containerd, shareProcessNamespace: apps are not PID 1 (pause is); init is each cgroup's oldest root", (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  const shared = { ...POD_NS, pid: 4026532409, cgroup: 4026532411 };
  h.process({
    pid: 3000,
    ppid: 1,
    comm: 'containerd-shim',
    args: shimArgs(SANDBOX),
    cgroup: '/system.slice/containerd.service',
    cwd: `${TASKS}/${SANDBOX}`,
  });
  h.process({
    pid: 3010,
    ppid: 3000,
    comm: 'pause',
    args: ['/pause'],
    cgroup: `${POD_SLICE}/cri-containerd-${SANDBOX}.scope`,
    ns: { ...shared, mnt: 4026532406 },
    nspid: [3010, 1],
    startTicks: 100,
  });
  h.process({
    pid: 3050,
    ppid: 3000,
    comm: 'nginx',
    args: ['nginx: master process'],
    cgroup: `${POD_SLICE}/cri-containerd-${NGINX}.scope`,
    ns: { ...shared, mnt: 4026532412 },
    nspid: [3050, 7],
    startTicks: 200,
  });
  h.process({
    pid: 3060,
    ppid: 3050,
    comm: 'nginx',
    args: ['nginx: worker process'],
    cgroup: `${POD_SLICE}/cri-containerd-${NGINX}.scope`,
    ns: { ...shared, mnt: 4026532412 },
    nspid: [3060, 8],
    startTicks: 210,
  });
  h.process({
    pid: 3300,
    ppid: 3000,
    comm: 'sh',
    args: ['sh'],
    cgroup: `${POD_SLICE}/cri-containerd-${NGINX}.scope`,
    ns: { ...shared, mnt: 4026532412 },
    nspid: [3300, 20],
    startTicks: 900,
  });
  h.json(`${TASKS}/${SANDBOX}/config.json`, bundle('sandbox', SANDBOX, 'web-7d4b9c-xk2lp', 'shop', POD_UID));
  h.json(
    `${TASKS}/${NGINX}/config.json`,
    bundle('container', SANDBOX, 'web-7d4b9c-xk2lp', 'shop', POD_UID, { 'io.kubernetes.cri.container-name': 'nginx' }),
  );
  const cs = scanHost({ root: h.build() }).containers;
  assert.deepEqual(byId(cs, NGINX).init, { hostPid: 3050, containerPid: 7 });
  assert.deepEqual(byId(cs, NGINX).pids, [3050, 3060, 3300]);
  assert.equal(
    byId(cs, NGINX).namespaces.find((n) => n.type === 'pid')?.inode,
    byId(cs, SANDBOX).namespaces.find((n) => n.type === 'pid')?.inode,
  );
});

test('the one-shot scan with the PID namespaces read aside by the native helper sees exactly the same', async (t) => {
  await assertAsideScanAgrees(k8sHost(t), { includeStopped: true });
});
