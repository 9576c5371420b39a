// Fixture host 3: cgroup v2, Kubernetes with CRI-O and the systemd cgroup driver.
// Layout: each container in /kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid>.slice/crio-<id>.scope, its
// conmon (daemonised: parent PID 1) in the sibling crio-conmon-<id>.scope, conmon's argv naming the container
// (-c <id>, -n k8s_<container>_<pod>_<ns>_<uid>_<attempt>, -b <bundle>), the bundle's config.json carrying
// io.kubernetes.cri-o.* annotations plus the kubelet's labels. CRI-O runs runc with --root=/run/runc, so runc's
// state.json exists too: CRI-O must still win.
// Sources: paths and IDs from opencontainers/runc#4620 (calico-node, crio-conmon-<id>.scope, conmon argv) and
// kubernetes/minikube#11280 (besteffort pod tree), annotations from real config.json dumps quoted in cri-o's test
// suite and issues (io.kubernetes.cri-o.ContainerType/KubeName/ImageName, io.kubernetes.container.name "POD").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanHost } from '../../../src/snapshot/scanner.js';
import type { Container } from '../../../src/snapshot/model.js';
import { FixtureHost, HOST_NS, fixtureDir, netDev } from '../../helpers/fixture-host.js';
import { assertAsideScanAgrees } from '../../helpers/scan-aside.js';

const CALICO_UID = 'a5c1f8d5-1919-434d-add7-4afaafdaef89';
const CALICO_POD = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${CALICO_UID.replace(/-/g, '_')}.slice`;
const CALICO_SANDBOX = '753485c65e7e7b1d0c4e4a5f2f7c9b8a6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a';
const CALICO = '5eed917563583925ffdbd40a64efb2aaffe58638e57add8becaf460fe74f5b1c';
const SLEEPER_UID = 'ae7a96fb-2bdc-46b0-96e2-78e4af94847b';
const SLEEPER_POD = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${SLEEPER_UID.replace(/-/g, '_')}.slice`;
const SLEEPER_SANDBOX = 'ad379acd7869cf7e5eddbbe9ac9131e9b4066c893a29f62eae16e10a1b2c3d4e';
const SLEEPER = '89e8f450417b56acf3089925dfd8f050dd50e950e18cfe83ea923269df601102';
const userdata = (id: string) => `/run/containers/storage/overlay-containers/${id}/userdata`;

function conmonArgs(id: string, kubeName: string, pod: string, ns: string, uid: string): string[] {
  return [
    '/usr/bin/conmon',
    '-b',
    userdata(id),
    '-c',
    id,
    '--exit-dir',
    '/var/run/crio/exits',
    '-l',
    `/var/log/pods/${ns}_${pod}_${uid}/${kubeName}/0.log`,
    '--log-level',
    'info',
    '-n',
    `k8s_${kubeName}_${pod}_${ns}_${uid}_0`,
    '-P',
    `${userdata(id)}/conmon-pidfile`,
    '-p',
    `${userdata(id)}/pidfile`,
    '--persist-dir',
    `/var/lib/containers/storage/overlay-containers/${id}/userdata`,
    '-r',
    '/usr/bin/runc',
    '--runtime-arg',
    '--root=/run/runc',
    '--socket-dir-path',
    '/var/run/crio',
    '-u',
    id,
    '-s',
  ];
}

function crioSpec(
  kind: 'sandbox' | 'container',
  o: { id: string; sandbox: string; pod: string; ns: string; uid: string; container: string; image: string },
) {
  const labels = {
    'io.kubernetes.container.name': kind === 'sandbox' ? 'POD' : o.container,
    'io.kubernetes.pod.name': o.pod,
    'io.kubernetes.pod.namespace': o.ns,
    'io.kubernetes.pod.uid': o.uid,
  };
  return {
    ociVersion: '1.0.2-dev',
    process: { user: { uid: 0, gid: 0 }, args: kind === 'sandbox' ? ['/pause'] : ['/bin/sh'], cwd: '/' },
    annotations: {
      ...labels,
      'io.container.manager': 'cri-o',
      'io.kubernetes.cri-o.ContainerID': o.id,
      'io.kubernetes.cri-o.ContainerName': `k8s_${labels['io.kubernetes.container.name']}_${o.pod}_${o.ns}_${o.uid}_0`,
      'io.kubernetes.cri-o.ContainerType': kind,
      'io.kubernetes.cri-o.Created': '2023-11-14T22:30:00.000000000Z',
      'io.kubernetes.cri-o.Image': kind === 'sandbox' ? 'registry.k8s.io/pause:3.9' : `sha256:${'e'.repeat(64)}`,
      'io.kubernetes.cri-o.ImageName': kind === 'sandbox' ? 'registry.k8s.io/pause:3.9' : o.image,
      'io.kubernetes.cri-o.KubeName': o.pod,
      'io.kubernetes.cri-o.Labels': JSON.stringify(labels),
      'io.kubernetes.cri-o.LogPath': `/var/log/pods/${o.ns}_${o.pod}_${o.uid}/${o.container}/0.log`,
      'io.kubernetes.cri-o.Name': `k8s_${o.pod}_${o.ns}_${o.uid}_0`,
      'io.kubernetes.cri-o.Namespace': o.ns,
      'io.kubernetes.cri-o.SandboxID': o.sandbox,
      'io.kubernetes.cri-o.SandboxName': `k8s_${o.pod}_${o.ns}_${o.uid}_0`,
    },
  };
}

const HOSTNET_PID = { pid: 4026532601, mnt: 4026532600, ipc: 4026532602, cgroup: 4026532603 };
const CALICO_NS = { pid: 4026532606, mnt: 4026532605, ipc: 4026532602, cgroup: 4026532607 }; // hostNetwork: net, uts are the host's
const SLEEPER_POD_NS = { net: 4026532710, ipc: 4026532708, uts: 4026532707, cgroup: 4026532713 };

function crioHost(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2', hostname: 'worker-3' });
  h.process({ pid: 540, ppid: 1, comm: 'crio', args: ['/usr/bin/crio'], cgroup: '/system.slice/crio.service' });
  const pod = (
    id: string,
    pid: number,
    comm: string,
    args: string[],
    kubeName: string,
    podName: string,
    ns: string,
    uid: string,
    slice: string,
    nsSet: object,
    nspid: number[],
    net?: string,
  ) => {
    h.process({
      pid: pid - 2,
      ppid: 1,
      comm: 'conmon',
      args: conmonArgs(id, kubeName, podName, ns, uid),
      cgroup: `${slice}/crio-conmon-${id}.scope`,
    });
    h.process({ pid, ppid: pid - 2, comm, args, cgroup: `${slice}/crio-${id}.scope`, ns: nsSet, nspid, netDev: net });
  };
  const calicoMeta = {
    sandbox: CALICO_SANDBOX,
    pod: 'calico-node-hx7cw',
    ns: 'kube-system',
    uid: CALICO_UID,
    container: 'calico-node',
    image: 'docker.io/calico/node:v3.26.1',
  };
  pod(CALICO_SANDBOX, 4202, 'pause', ['/pause'], 'POD', calicoMeta.pod, calicoMeta.ns, CALICO_UID, CALICO_POD, HOSTNET_PID, [4202, 1]);
  pod(
    CALICO,
    21689,
    'runsvdir',
    ['runsvdir', '-P', '/etc/service/enabled'],
    'calico-node',
    calicoMeta.pod,
    calicoMeta.ns,
    CALICO_UID,
    CALICO_POD,
    CALICO_NS,
    [21689, 1],
    netDev([
      { name: 'lo', rx: [90, 1, 0, 0], tx: [90, 1, 0, 0] },
      { name: 'ens3', rx: [9876543210, 7654321, 0, 12], tx: [1234567890, 2345678, 0, 0] },
    ]),
  );
  h.process({
    pid: 21700,
    ppid: 21689,
    comm: 'calico-node',
    args: ['calico-node', '-felix'],
    cgroup: `${CALICO_POD}/crio-${CALICO}.scope`,
    ns: CALICO_NS,
    nspid: [21700, 12],
  });
  h.json(`${userdata(CALICO_SANDBOX)}/config.json`, crioSpec('sandbox', { id: CALICO_SANDBOX, ...calicoMeta }));
  h.json(`${userdata(CALICO)}/config.json`, crioSpec('container', { id: CALICO, ...calicoMeta }));
  h.json(`/run/runc/${CALICO}/state.json`, {
    id: CALICO,
    init_process_pid: 21689,
    init_process_start: 1000 + 21689,
    created: '2023-11-14T22:30:01Z',
    config: { labels: [`bundle=${userdata(CALICO)}`] },
  });
  h.cgroupFiles(`${CALICO_POD}/crio-${CALICO}.scope`, fixtureDir('v2-kubepods-crio/calico-node'));

  const sleeperMeta = {
    sandbox: SLEEPER_SANDBOX,
    pod: 'sleeper',
    ns: 'default',
    uid: SLEEPER_UID,
    container: 'sleep',
    image: 'docker.io/library/busybox:latest',
  };
  pod(
    SLEEPER_SANDBOX,
    4302,
    'pause',
    ['/pause'],
    'POD',
    'sleeper',
    'default',
    SLEEPER_UID,
    SLEEPER_POD,
    { ...SLEEPER_POD_NS, pid: 4026532709, mnt: 4026532706 },
    [4302, 1],
  );
  pod(
    SLEEPER,
    20680,
    'sleep',
    ['sleep', '3600'],
    'sleep',
    'sleeper',
    'default',
    SLEEPER_UID,
    SLEEPER_POD,
    { ...SLEEPER_POD_NS, pid: 4026532712, mnt: 4026532711 },
    [20680, 1],
    netDev([
      { name: 'lo', rx: [800, 8, 0, 0], tx: [800, 8, 0, 0] },
      { name: 'eth0', rx: [4242, 21, 0, 0], tx: [2121, 12, 0, 0] },
    ]),
  );
  h.json(`${userdata(SLEEPER_SANDBOX)}/config.json`, crioSpec('sandbox', { id: SLEEPER_SANDBOX, ...sleeperMeta }));
  h.json(`${userdata(SLEEPER)}/config.json`, crioSpec('container', { id: SLEEPER, ...sleeperMeta }));
  h.cgroupFiles(`${SLEEPER_POD}/crio-${SLEEPER}.scope`, {
    'memory.current': '364544\n',
    'memory.stat': 'anon 98304\nfile 0\ninactive_file 0\n',
    'memory.max': 'max\n',
    'pids.current': '1\n',
    'pids.max': 'max\n',
  });
  return h.build();
}

const byId = (cs: Container[], id: string) => {
  const c = cs.find((x) => x.id === id);
  assert.ok(c, `container ${id.slice(0, 12)} found`);
  return c;
};

test('v2 kubepods/CRI-O: every container claimed by CRI-O (not runc), named pod/container from the annotations', (t) => {
  const cs = scanHost({ root: crioHost(t) }).containers;
  assert.deepEqual(
    cs.map((c) => [c.runtime, c.name, c.image, c.id]),
    [
      ['cri-o', 'calico-node-hx7cw/calico-node', 'docker.io/calico/node:v3.26.1', CALICO],
      ['cri-o', 'calico-node-hx7cw/POD', 'registry.k8s.io/pause:3.9', CALICO_SANDBOX],
      ['cri-o', 'sleeper/POD', 'registry.k8s.io/pause:3.9', SLEEPER_SANDBOX],
      ['cri-o', 'sleeper/sleep', 'docker.io/library/busybox:latest', SLEEPER],
    ],
  );
  const calico = byId(cs, CALICO);
  assert.equal(calico.state, 'running');
  assert.deepEqual(calico.labels, {
    'io.kubernetes.pod.name': 'calico-node-hx7cw',
    'io.kubernetes.pod.namespace': 'kube-system',
    'io.kubernetes.container.name': 'calico-node',
    'io.kubernetes.container.type': 'container',
  });
  assert.equal(byId(cs, CALICO_SANDBOX).labels['io.kubernetes.container.type'], 'sandbox');
  assert.equal(calico.extra.bundle, userdata(CALICO));
});

test('v2 kubepods/CRI-O: conmon (in its own crio-conmon scope) is the shim; init and every process', (t) => {
  const cs = scanHost({ root: crioHost(t) }).containers;
  const calico = byId(cs, CALICO);
  assert.deepEqual(calico.shim, {
    pid: 21687,
    command: conmonArgs(CALICO, 'calico-node', 'calico-node-hx7cw', 'kube-system', CALICO_UID).join(' '),
  });
  assert.deepEqual(calico.init, { hostPid: 21689, containerPid: 1 });
  assert.deepEqual(calico.pids, [21689, 21700]);
  assert.deepEqual(byId(cs, SLEEPER).shim?.pid, 20678);
  assert.deepEqual(byId(cs, SLEEPER).pids, [20680]);
  assert.deepEqual(byId(cs, SLEEPER_SANDBOX).init, { hostPid: 4302, containerPid: 1 });
});

test("v2 kubepods/CRI-O: a hostNetwork pod shares the host's net and uts namespaces, and says so", (t) => {
  const cs = scanHost({ root: crioHost(t) }).containers;
  const shared = (id: string) =>
    byId(cs, id)
      .namespaces.filter((n) => n.sharedWithHost)
      .map((n) => n.type);
  assert.deepEqual(shared(CALICO), ['net', 'time', 'user', 'uts']);
  assert.deepEqual(shared(SLEEPER), ['time', 'user']);
  assert.equal(byId(cs, CALICO).namespaces.find((n) => n.type === 'net')?.inode, HOST_NS.net);
});

test('v2 kubepods/CRI-O: every cgroup figure of calico-node, computed by hand', (t) => {
  const calico = byId(scanHost({ root: crioHost(t) }).containers, CALICO);
  assert.deepEqual(calico.cgroup, {
    version: 2,
    path: `${CALICO_POD}/crio-${CALICO}.scope`,
    frozen: false, // cgroup.events: frozen 0
    cpu: {
      usageSeconds: 73.514209,
      userSeconds: 51.200344,
      systemSeconds: 22.313865,
      periods: 91833,
      throttledPeriods: 1207,
      throttledSeconds: 48.801552,
      quotaMicros: 25000,
      periodMicros: 100000,
      shares: 238,
      cpusetCpus: undefined,
    },
    memory: {
      usageBytes: 115343360,
      workingSetBytes: 115343360 - 16777216,
      rssBytes: 88317952,
      cacheBytes: 25165824,
      swapBytes: 0,
      limitBytes: 524288000,
      oomKills: 0,
      oomEvents: 0,
      failcnt: 3,
      kernelUsageBytes: 1081344,
      mappedFileBytes: 7430144,
      pgfault: 7593,
      pgmajfault: 112,
    },
    pids: { current: 41, limit: 4096 },
    io: {
      readBytes: 35254272,
      writeBytes: 1048576,
      readOps: 2210,
      writeOps: 64,
      devices: [{ device: '', major: 259, minor: 0, bytes: { Read: 35254272, Write: 1048576 } }],
    },
    pressure: {
      cpu: { someTotalMicros: 60112094, fullTotalMicros: 41002311 },
      memory: { someTotalMicros: 1024, fullTotalMicros: 512 },
      io: { someTotalMicros: 88120, fullTotalMicros: 80333 },
    },
  });
});

test("v2 kubepods/CRI-O: a hostNetwork pod reports no network figures (its net/dev is the whole node's, as cAdvisor)", (t) => {
  const calico = byId(scanHost({ root: crioHost(t) }).containers, CALICO);
  assert.equal(calico.namespaces.find((n) => n.type === 'net')?.sharedWithHost, true);
  assert.equal(calico.network, null);
});

test("v2 kubepods/CRI-O: network of a pod with its own namespace from its init's net/dev, loopback excluded", (t) => {
  const sleeper = byId(scanHost({ root: crioHost(t) }).containers, SLEEPER);
  assert.deepEqual(
    [sleeper.network?.rxBytes, sleeper.network?.rxPackets, sleeper.network?.txBytes, sleeper.network?.txPackets],
    [4242, 21, 2121, 12],
  );
});

test("v2 kubepods/CRI-O: a pod whose name mentions podman (a CI pod running podman builds) is still CRI-O's", (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  const uid = '0b9f6a2e-44c1-4d0e-9b1e-5a7f3c2d1e0f';
  const slice = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice`;
  const meta = {
    sandbox: SLEEPER_SANDBOX,
    pod: 'podman-builder-7c9f',
    ns: 'ci',
    uid,
    container: 'build',
    image: 'quay.io/podman/stable:v4.9',
  };
  h.process({
    pid: 5000,
    ppid: 1,
    comm: 'conmon',
    args: conmonArgs(SLEEPER, 'build', meta.pod, meta.ns, uid),
    cgroup: `${slice}/crio-conmon-${SLEEPER}.scope`,
  });
  h.process({
    pid: 5002,
    ppid: 5000,
    comm: 'podman',
    args: ['podman', 'build', '.'],
    cgroup: `${slice}/crio-${SLEEPER}.scope`,
    ns: { pid: 4026532901, mnt: 4026532900 },
    nspid: [5002, 1],
  });
  h.json(`${userdata(SLEEPER)}/config.json`, crioSpec('container', { id: SLEEPER, ...meta }));
  const c = scanHost({ root: h.build() }).containers;
  assert.deepEqual(
    c.map((x) => [x.runtime, x.name, x.image]),
    [['cri-o', 'podman-builder-7c9f/build', 'quay.io/podman/stable:v4.9']],
  );
});

test('the one-shot scan with the PID namespaces read aside by the native helper sees exactly the same', async (t) => {
  await assertAsideScanAgrees(crioHost(t), { includeStopped: true });
});
