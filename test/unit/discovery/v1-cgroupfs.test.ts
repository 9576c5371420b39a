// Fixture hosts 7: cgroup v1 with the cgroupfs driver, and the hybrid layout.
// (a) hybrid, as this machine (Debian 12 booted with systemd.unified_cgroup_hierarchy=0): one directory per v1
//     controller, name=systemd, and an empty unified mount; Docker 20.10 with the cgroupfs driver: /docker/<id> in
//     every hierarchy. The cgroup files of test/fixtures/hosts/hybrid-docker-cgroupfs/web were captured here from
//     `docker run -m 64m --pids-limit 100 --cpus 0.5 busybox` after an 8 MiB write (blkio was not: this machine's
//     virtio disk reports none, so those two files follow the kernel's blkio-controller.rst format: per-device
//     Read/Write/Sync/Async/Discard/Total lines and a grand Total, as quoted in cAdvisor's and telegraf's fixtures).
// (b) pure v1 with Debian/Ubuntu's combined cpu,cpuacct and net_cls,net_prio mounts; Kubernetes with the cgroupfs
//     driver: /kubepods/<qos>/pod<uid>/<id> (guaranteed pods: /kubepods/pod<uid>/<id>), containerd CRI shims, and a
//     dockershim-era node whose containers run under Docker's moby shim.
// Sources: kubepods cgroupfs paths from kubernetes/kubernetes#26751 (pod-level resource management) and the v1
// lines quoted in lxc/lxc#3890; v1 file formats from the kernel's cgroup-v1/memory.rst and cpuacct.rst.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { scanHost } from '../../../src/snapshot/scanner.js';
import type { Container } from '../../../src/snapshot/model.js';
import { FixtureHost, fixtureDir, netDev } from '../../helpers/fixture-host.js';
import { assertAsideScanAgrees } from '../../helpers/scan-aside.js';

const WEB = 'ebd1d4c26490a008ee6243214fc98fafebb8cfbaa1a949d01b3321d5c6e27b36';
const WEB_NS = { pid: 4026532450, mnt: 4026532448, net: 4026532452, uts: 4026532449, ipc: 4026532451 };
const dockerShim = (id: string) => [
  '/usr/bin/containerd-shim-runc-v2',
  '-namespace',
  'moby',
  '-id',
  id,
  '-address',
  '/run/containerd/containerd.sock',
];

function hybridDockerHost(t: { after(fn: () => void): void }, cgroup: 'hybrid' | 'v1' = 'hybrid'): string {
  const h = new FixtureHost(t, cgroup === 'hybrid' ? { cgroup, v1Mounts: 'separate' } : { cgroup });
  h.process({
    pid: 6985,
    ppid: 1,
    comm: 'containerd-shim-runc-v2',
    args: dockerShim(WEB),
    cgroup: '/system.slice/containerd.service',
    cwd: `/run/containerd/io.containerd.runtime.v2.task/moby/${WEB}`,
  });
  h.process({
    pid: 7004,
    ppid: 6985,
    comm: 'sh',
    args: ['sh', '-c', 'dd if=/dev/zero of=/tmp/f bs=1M count=8 2>/dev/null; sleep 300'],
    cgroup: `/docker/${WEB}`,
    ns: WEB_NS,
    nspid: [7004, 1],
    netDev: netDev([
      { name: 'lo', rx: [0, 0, 0, 0], tx: [0, 0, 0, 0] },
      { name: 'eth0', rx: [1296, 16, 0, 0], tx: [0, 0, 0, 0] },
    ]),
  });
  h.process({ pid: 7020, ppid: 7004, comm: 'sleep', args: ['sleep', '300'], cgroup: `/docker/${WEB}`, ns: WEB_NS, nspid: [7020, 7] });
  for (const ctrl of ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'blkio', 'freezer'])
    h.cgroupFiles(`/docker/${WEB}`, fixtureDir(`hybrid-docker-cgroupfs/web/${ctrl}`), ctrl);
  h.json(`/var/lib/docker/containers/${WEB}/config.v2.json`, {
    ID: WEB,
    Name: '/capture',
    Created: '2026-11-23T13:33:00.1Z',
    Config: { Image: 'tctop-test/busybox:latest', Labels: {} },
    State: { Running: true, Pid: 7004, StartedAt: '2026-11-23T13:33:00.5Z' },
  });
  return h.build();
}

test("hybrid (this machine's layout): v1 figures from /docker/<id> in each controller, captured from a real container", (t) => {
  const snap = scanHost({ root: hybridDockerHost(t) });
  assert.equal(snap.host.cgroupVersion, 'hybrid');
  assert.equal(snap.containers.length, 1);
  const c = snap.containers[0];
  assert.deepEqual([c.id, c.runtime, c.name, c.image, c.state], [WEB, 'docker', 'capture', 'tctop-test/busybox:latest', 'running']);
  assert.deepEqual(c.shim, { pid: 6985, command: dockerShim(WEB).join(' ') });
  assert.deepEqual(c.init, { hostPid: 7004, containerPid: 1 });
  assert.deepEqual(c.pids, [7004, 7020]);
  assert.deepEqual(
    c.namespaces.filter((n) => n.sharedWithHost).map((n) => n.type),
    ['cgroup', 'time', 'user'],
  );
  assert.deepEqual(c.cgroup, {
    version: 1,
    path: `/docker/${WEB}`,
    frozen: false, // freezer.state THAWED
    cpu: {
      usageSeconds: 0.02688712, // cpuacct.usage 26887120 ns
      userSeconds: 0.01, // cpuacct.stat user 1 tick
      systemSeconds: 0,
      periods: 2,
      throttledPeriods: 0,
      throttledSeconds: 0,
      quotaMicros: 50000,
      periodMicros: 100000,
      shares: 1024,
      cpusetCpus: '0-1',
    },
    memory: {
      usageBytes: 9289728,
      workingSetBytes: 9289728 - 8388608, // usage - total_inactive_file = 901120
      rssBytes: 57344, // total_rss
      cacheBytes: 8396800, // total_cache
      swapBytes: 0, // memsw.usage 9289728 - usage
      failcnt: 0,
      limitBytes: 67108864,
      oomKills: 0,
      mappedFileBytes: 0, // total_mapped_file
      pgfault: 1471,
      pgmajfault: 0,
    },
    pids: { current: 1, limit: 100 },
    io: {
      readBytes: 1459200 + 90112,
      writeBytes: 314773504,
      readOps: 192 + 22,
      writeOps: 353,
      devices: [
        {
          device: '',
          major: 254,
          minor: 0,
          bytes: { Read: 1459200, Write: 314773504, Sync: 310378496, Async: 5854208, Discard: 0, Total: 316232704 },
        },
        { device: '', major: 8, minor: 0, bytes: { Read: 90112, Write: 0, Sync: 0, Async: 90112, Discard: 0, Total: 90112 } },
      ],
    },
  });
  assert.equal(c.network?.rxBytes, 1296);
});

test('pure v1 (combined cpu,cpuacct mount, no unified): the same Docker container reads the same figures', (t) => {
  const hybrid = scanHost({ root: hybridDockerHost(t) }).containers[0];
  const snap = scanHost({ root: hybridDockerHost(t, 'v1') });
  assert.equal(snap.host.cgroupVersion, 1);
  assert.equal(snap.containers.length, 1);
  assert.deepEqual(snap.containers[0].cgroup, hybrid.cgroup);
  assert.deepEqual([snap.containers[0].name, snap.containers[0].pids], ['capture', [7004, 7020]]);
});

test('v1: a frozen freezer cgroup reads as paused though the metadata says running (runc pause under docker)', (t) => {
  const root = hybridDockerHost(t);
  writeFileSync(`${root}/sys/fs/cgroup/freezer/docker/${WEB}/freezer.state`, 'FROZEN\n');
  const c = scanHost({ root }).containers[0];
  assert.deepEqual([c.state, c.cgroup?.frozen], ['paused', true]);
});

const POD_UID = '0125ec2f-b64a-4868-8f5b-94b56cbab864';
const SANDBOX = 'ee4b20e90ac7f42a10bd004d05646b13d8ab5e2c5e7cbc01abf8006bac016459';
const APP = '484b78324bb363a0cc93d136431e2005ceac970d035aaeec4ad6bfb6848a7b51';
const G_UID = '8daa50c3a64c9ff60bb9eab7b44b56fd';
const G_SANDBOX = '2884d57c0e100d7a9a2f9487ce0bc2986bca3430e988af7a4865aff061f51ac5';
const ETCD = 'b16518f2aa1b484a2b9a47aff0901792f8c3c7e2b7a48be8b5adcff30e213458';
const DS_UID = '9692aa0e-748e-11e8-8dfa-76d458035df6';
const KPROXY = 'abddff03dfd7710c79a750ce3e730365cbb2c8247a974170c1062683bc3e9152';
const TASKS = '/run/containerd/io.containerd.runtime.v2.task/k8s.io';
const k8sShim = (id: string) => [
  '/usr/bin/containerd-shim-runc-v2',
  '-namespace',
  'k8s.io',
  '-id',
  id,
  '-address',
  '/run/containerd/containerd.sock',
];
const cri = (type: string, sandbox: string, pod: string, ns: string, name?: string, image?: string) => ({
  ociVersion: '1.0.2-dev',
  annotations: {
    'io.kubernetes.cri.container-type': type,
    'io.kubernetes.cri.sandbox-id': sandbox,
    'io.kubernetes.cri.sandbox-name': pod,
    'io.kubernetes.cri.sandbox-namespace': ns,
    ...(name ? { 'io.kubernetes.cri.container-name': name } : {}),
    ...(image ? { 'io.kubernetes.cri.image-name': image } : {}),
  },
});

function v1KubeHost(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v1', hostname: 'worker-v1' });
  const burst = `/kubepods/burstable/pod${POD_UID}`;
  const podNs = { net: 4026532610, ipc: 4026532608, uts: 4026532607 };
  h.process({
    pid: 4000,
    ppid: 1,
    comm: 'containerd-shim-runc-v2',
    args: k8sShim(SANDBOX),
    cgroup: '/system.slice/containerd.service',
    cwd: `${TASKS}/${SANDBOX}`,
  });
  h.process({
    pid: 4010,
    ppid: 4000,
    comm: 'pause',
    args: ['/pause'],
    uid: 65535,
    cgroup: `${burst}/${SANDBOX}`,
    ns: { ...podNs, pid: 4026532609, mnt: 4026532606 },
    nspid: [4010, 1],
  });
  h.process({
    pid: 4050,
    ppid: 4000,
    comm: 'java',
    args: ['java', '-jar', '/app/app.jar'],
    uid: 1001,
    threads: 42,
    cgroup: `${burst}/${APP}`,
    ns: { ...podNs, pid: 4026532614, mnt: 4026532612 },
    nspid: [4050, 1],
    netDev: netDev([
      { name: 'lo', rx: [0, 0, 0, 0], tx: [0, 0, 0, 0] },
      { name: 'eth0', rx: [3000000, 2000, 0, 0], tx: [1000000, 1500, 0, 0] },
    ]),
  });
  h.json(`${TASKS}/${SANDBOX}/config.json`, cri('sandbox', SANDBOX, 'orders-5f7d8', 'shop'));
  h.json(`${TASKS}/${APP}/config.json`, cri('container', SANDBOX, 'orders-5f7d8', 'shop', 'orders', 'registry.example.com/orders:1.9.0'));
  const mem = `cache 41943040\nrss 109051904\nrss_huge 0\nshmem 0\nmapped_file 1048576\ndirty 0\nwriteback 0\nswap 0\npgpgin 50000\npgpgout 13000\npgfault 90000\npgmajfault 12\ninactive_anon 109051904\nactive_anon 0\ninactive_file 33554432\nactive_file 8388608\nunevictable 0\nhierarchical_memory_limit 268435456\ntotal_cache 41943040\ntotal_rss 109051904\ntotal_rss_huge 0\ntotal_shmem 0\ntotal_mapped_file 1048576\ntotal_swap 0\ntotal_inactive_anon 109051904\ntotal_active_anon 0\ntotal_inactive_file 33554432\ntotal_active_file 8388608\ntotal_unevictable 0\n`;
  h.cgroupFiles(
    `${burst}/${APP}`,
    {
      'memory.usage_in_bytes': '157286400\n',
      'memory.stat': mem,
      'memory.limit_in_bytes': '268435456\n',
      'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
      'memory.failcnt': '120\n',
    },
    'memory',
  );
  h.cgroupFiles(`${burst}/${APP}`, { 'cpuacct.usage': '123456789012\n', 'cpuacct.stat': 'user 9000\nsystem 3345\n' }, 'cpuacct');
  h.cgroupFiles(
    `${burst}/${APP}`,
    {
      'cpu.stat': 'nr_periods 50000\nnr_throttled 2500\nthrottled_time 75000000000\n',
      'cpu.cfs_quota_us': '200000\n',
      'cpu.cfs_period_us': '100000\n',
      'cpu.shares': '512\n',
    },
    'cpu',
  );
  h.cgroupFiles(`${burst}/${APP}`, { 'cpuset.cpus': '0-3\n' }, 'cpuset');
  h.cgroupFiles(`${burst}/${APP}`, { 'pids.current': '45\n', 'pids.max': 'max\n' }, 'pids');
  h.cgroupFiles(
    `${burst}/${APP}`,
    {
      'blkio.throttle.io_service_bytes':
        '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 8192\n8:0 Async 4096\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n',
      'blkio.throttle.io_serviced': '8:0 Read 1\n8:0 Write 2\n8:0 Sync 2\n8:0 Async 1\n8:0 Discard 0\n8:0 Total 3\nTotal 3\n',
    },
    'blkio',
  );
  // a guaranteed pod: no QoS level in the path
  h.process({
    pid: 4200,
    ppid: 1,
    comm: 'containerd-shim-runc-v2',
    args: k8sShim(G_SANDBOX),
    cgroup: '/system.slice/containerd.service',
    cwd: `${TASKS}/${G_SANDBOX}`,
  });
  h.process({
    pid: 4210,
    ppid: 4200,
    comm: 'pause',
    args: ['/pause'],
    cgroup: `/kubepods/pod${G_UID}/${G_SANDBOX}`,
    ns: { pid: 4026532709, mnt: 4026532706 },
    nspid: [4210, 1],
  });
  h.process({
    pid: 4250,
    ppid: 4200,
    comm: 'etcd',
    args: ['etcd', '--data-dir=/var/lib/etcd'],
    cgroup: `/kubepods/pod${G_UID}/${ETCD}`,
    ns: { pid: 4026532714, mnt: 4026532712 },
    nspid: [4250, 1],
  });
  h.json(`${TASKS}/${G_SANDBOX}/config.json`, cri('sandbox', G_SANDBOX, 'etcd-master-1', 'kube-system'));
  h.json(
    `${TASKS}/${ETCD}/config.json`,
    cri('container', G_SANDBOX, 'etcd-master-1', 'kube-system', 'etcd', 'registry.k8s.io/etcd:3.5.9-0'),
  );
  h.cgroupFiles(
    `/kubepods/pod${G_UID}/${ETCD}`,
    {
      'memory.usage_in_bytes': '104857600\n',
      'memory.stat': 'cache 0\nrss 0\ntotal_cache 20971520\ntotal_rss 83886080\ntotal_inactive_file 10485760\n',
      'memory.limit_in_bytes': '9223372036854771712\n',
    },
    'memory',
  );
  // dockershim era: kubelet asked dockerd; the container runs under Docker's moby shim
  h.process({ pid: 4400, ppid: 1, comm: 'containerd-shim-runc-v2', args: dockerShim(KPROXY), cgroup: '/system.slice/containerd.service' });
  h.process({
    pid: 4410,
    ppid: 4400,
    comm: 'kube-proxy',
    args: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf'],
    cgroup: `/kubepods/besteffort/pod${DS_UID}/${KPROXY}`,
    ns: { pid: 4026532814, mnt: 4026532812 },
    nspid: [4410, 1],
  });
  h.json(`/var/lib/docker/containers/${KPROXY}/config.v2.json`, {
    ID: KPROXY,
    Name: `/k8s_kube-proxy_kube-proxy-rb6tq_kube-system_${DS_UID}_0`,
    Config: {
      Image: 'sha256:0a3b7f1c',
      Labels: {
        'io.kubernetes.pod.name': 'kube-proxy-rb6tq',
        'io.kubernetes.pod.namespace': 'kube-system',
        'io.kubernetes.container.name': 'kube-proxy',
      },
    },
    State: { Running: true, Pid: 4410, StartedAt: '2018-06-21T10:00:00Z' },
  });
  return h.build();
}

const byId = (cs: Container[], id: string) => {
  const c = cs.find((x) => x.id === id);
  assert.ok(c, `container ${id.slice(0, 12)} found`);
  return c;
};

test('v1 kubepods (cgroupfs driver) with containerd: burstable and guaranteed pods, names from CRI annotations', (t) => {
  const snap = scanHost({ root: v1KubeHost(t) });
  assert.equal(snap.host.cgroupVersion, 1);
  assert.deepEqual(
    snap.containers.map((c) => [c.runtime, c.name, c.image, c.id]),
    [
      ['containerd', 'etcd-master-1/etcd', 'registry.k8s.io/etcd:3.5.9-0', ETCD],
      ['containerd', 'etcd-master-1/POD', '', G_SANDBOX],
      ['containerd', 'orders-5f7d8/orders', 'registry.example.com/orders:1.9.0', APP],
      ['containerd', 'orders-5f7d8/POD', '', SANDBOX],
      ['docker', `k8s_kube-proxy_kube-proxy-rb6tq_kube-system_${DS_UID}_0`, 'sha256:0a3b7f1c', KPROXY],
    ],
  );
  const app = byId(snap.containers, APP);
  assert.deepEqual(app.labels, {
    'io.kubernetes.pod.name': 'orders-5f7d8',
    'io.kubernetes.pod.namespace': 'shop',
    'io.kubernetes.container.name': 'orders',
    'io.kubernetes.container.type': 'container',
    'io.containerd.namespace': 'k8s.io',
  });
  assert.deepEqual(app.shim, { pid: 4000, command: k8sShim(SANDBOX).join(' ') });
  assert.deepEqual(app.init, { hostPid: 4050, containerPid: 1 });
  assert.deepEqual(byId(snap.containers, ETCD).shim?.pid, 4200);
  const kproxy = byId(snap.containers, KPROXY);
  assert.deepEqual(kproxy.shim, { pid: 4400, command: dockerShim(KPROXY).join(' ') });
  assert.equal(kproxy.labels['io.kubernetes.pod.name'], 'kube-proxy-rb6tq');
});

test('v1 kubepods: every figure of the burstable app container from its controllers (combined cpu,cpuacct mount)', (t) => {
  const app = byId(scanHost({ root: v1KubeHost(t) }).containers, APP);
  assert.deepEqual(app.cgroup, {
    version: 1,
    path: `/kubepods/burstable/pod${POD_UID}/${APP}`,
    cpu: {
      usageSeconds: 123.456789012,
      userSeconds: 90,
      systemSeconds: 33.45,
      periods: 50000,
      throttledPeriods: 2500,
      throttledSeconds: 75,
      quotaMicros: 200000,
      periodMicros: 100000,
      shares: 512,
      cpusetCpus: '0-3',
    },
    memory: {
      usageBytes: 157286400,
      workingSetBytes: 157286400 - 33554432,
      rssBytes: 109051904,
      cacheBytes: 41943040,
      swapBytes: 0, // no memsw file (swap accounting off): total_swap
      failcnt: 120,
      mappedFileBytes: 1048576,
      pgfault: 90000,
      pgmajfault: 12,
      limitBytes: 268435456,
      oomKills: 2,
    },
    pids: { current: 45, limit: undefined },
    io: {
      readBytes: 4096,
      writeBytes: 8192,
      readOps: 1,
      writeOps: 2,
      devices: [{ device: '', major: 8, minor: 0, bytes: { Read: 4096, Write: 8192, Sync: 8192, Async: 4096, Discard: 0, Total: 12288 } }],
    },
  });
  assert.equal(app.network?.rxBytes, 3000000);
  // v1's "unlimited" is a huge page-aligned number, shown as no limit
  const etcd = byId(scanHost({ root: v1KubeHost(t) }).containers, ETCD);
  assert.equal(etcd.cgroup?.memory?.limitBytes, undefined);
  assert.equal(etcd.cgroup?.memory?.workingSetBytes, 104857600 - 10485760);
  assert.equal(etcd.cgroup?.memory?.rssBytes, 83886080);
});

test('the one-shot scan with the PID namespaces read aside by the native helper sees exactly the same', async (t) => {
  await assertAsideScanAgrees(hybridDockerHost(t), { includeStopped: true });
  await assertAsideScanAgrees(hybridDockerHost(t, 'v1'), { includeStopped: true });
  await assertAsideScanAgrees(v1KubeHost(t), { includeStopped: true });
});
