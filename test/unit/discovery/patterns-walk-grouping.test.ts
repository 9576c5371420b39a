// Discovery's building blocks on real paths: the container cgroup patterns (every runtime and driver, v1 and v2),
// the cgroup walk on a fixture tree, init choice, shim flags, metadata helpers, and a Docker --pid host container.
// Paths from the sources cited in each fixture host test (netdata/netdata#4868, opencontainers/runc#4620,
// kubernetes/minikube#11280, kontena/pharos-cluster#440, lxc/lxc#3890, systemd/systemd#18104).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { containerCgroupOf, containerCgroupsListed, findContainerCgroups, LISTING_DEPTH } from '../../../src/discovery/cgroup-walk.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import { chooseInit } from '../../../src/discovery/grouping.js';
import { isoSeconds } from '../../../src/discovery/metadata.js';
import { matchContainerCgroup } from '../../../src/discovery/patterns.js';
import { baseName, flagValue } from '../../../src/discovery/shim-args.js';
import type { ProcessInfo } from '../../../src/snapshot/model.js';
import { scanHost } from '../../../src/snapshot/scanner.js';
import { directoriesUnder } from '../../helpers/cgroup-listing.js';
import { FixtureHost } from '../../helpers/fixture-host.js';

const A = '7dea796eb5d6826a85978fa316612874aa3d576ac576495bed83d77fbc9dc744';
const B = '5eed917563583925ffdbd40a64efb2aaffe58638e57add8becaf460fe74f5b1c';

test("patterns: every runtime's container cgroup, both drivers, v1 and v2", () => {
  const cases: Array<[string, string | undefined, string?]> = [
    [`/docker/${A}`, 'docker'],
    [`/system.slice/docker-${A}.scope`, 'docker'],
    [
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7d4424e6_bb13_42f4_a47a_45a4828bf54d.slice/docker-${A}.scope`,
      'docker',
    ],
    [
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod55c6c714_b240_4dec_9a45_57b61696ab6e.slice/cri-containerd-${A}.scope`,
      'containerd',
    ],
    [
      `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod1e597579_417e_482f_bf65_5fe170c3aebd.slice/cri-containerd-${A}.scope`,
      'containerd',
    ],
    [`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda5c1f8d5_1919_434d_add7_4afaafdaef89.slice/crio-${B}.scope`, 'cri-o'],
    [`/kubepods/besteffort/pod2ca4a155-3599-498d-bb9d-4446693fa3ea/crio-${B}`, 'cri-o'],
    [`/kubepods/burstable/pod0125ec2f-b64a-4868-8f5b-94b56cbab864/${A}`, 'containerd'],
    [`/kubepods/pod8daa50c3a64c9ff60bb9eab7b44b56fd/${A}`, 'containerd'],
    [`/machine.slice/libpod-${A}.scope`, 'podman'],
    [`/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${A}.scope`, 'podman'],
    [`/libpod_parent/libpod-${A}`, 'podman'],
    [`/tctop/${A}`, 'tctop'],
    ['/lxc.payload.web1', 'lxc', 'web1'],
    ['/lxc/c1', 'lxc', 'c1'],
    // not containers: runtimes' own helpers, pod and QoS levels, services, LXC monitors, nspawn units
    [
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda5c1f8d5_1919_434d_add7_4afaafdaef89.slice/crio-conmon-${B}.scope`,
      undefined,
    ],
    [`/machine.slice/libpod-conmon-${A}.scope`, undefined],
    ['/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod55c6c714_b240_4dec_9a45_57b61696ab6e.slice', undefined],
    ['/kubepods/burstable/pod0125ec2f-b64a-4868-8f5b-94b56cbab864', undefined],
    ['/kubepods/burstable', undefined],
    ['/system.slice/docker.service', undefined],
    ['/system.slice/containerd.service', undefined],
    ['/lxc.monitor.web1', undefined],
    ['/lxc.payload.web1/init.scope', undefined],
    ['/machine.slice/systemd-nspawn@debian.service/payload', undefined],
    [`/docker/${A.slice(0, 12)}`, undefined],
    ['/', undefined],
  ];
  for (const [path, runtime, id] of cases) {
    const m = matchContainerCgroup(path);
    assert.equal(m?.runtime, runtime, path);
    if (runtime) assert.equal(m?.id, id ?? (path.includes(A) ? A : B), path);
  }
});

test('containerCgroupOf: a process deep in a nested guest belongs to the container cgroup above it', () => {
  assert.deepEqual(containerCgroupOf('/lxc.payload.web1/system.slice/apache2.service'), {
    path: '/lxc.payload.web1',
    hint: { runtime: 'lxc', id: 'web1' },
  });
  assert.deepEqual(containerCgroupOf(`/system.slice/docker-${A}.scope/init.scope`), {
    path: `/system.slice/docker-${A}.scope`,
    hint: { runtime: 'docker', id: A },
  });
  assert.equal(containerCgroupOf('/user.slice/user-1000.slice/session-2.scope'), undefined);
  assert.equal(containerCgroupOf('/'), undefined);
});

/** Container cgroups of several runtimes, nested and not, an LXC monitor, host services and one left behind. */
function walkedHost(t: TestContext): FixtureHost {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 100, ppid: 1, comm: 'dockerd', cgroup: '/system.slice/docker.service' });
  h.process({ pid: 200, ppid: 1, comm: 'lxc-start', cgroup: '/lxc.monitor.web1' });
  h.process({ pid: 210, ppid: 200, comm: 'systemd', cgroup: '/lxc.payload.web1/init.scope' });
  h.process({ pid: 220, ppid: 210, comm: 'apache2', cgroup: '/lxc.payload.web1/system.slice/apache2.service' });
  h.process({ pid: 300, ppid: 1, comm: 'nginx', cgroup: `/system.slice/docker-${A}.scope` });
  h.process({
    pid: 400,
    ppid: 1,
    comm: 'pause',
    cgroup: `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podx.slice/crio-${B}.scope`,
  });
  h.cgroupFiles(`/system.slice/docker-${'0'.repeat(64)}.scope`, { 'cgroup.procs': '' }); // left behind by a stopped container
  // a container cgroup deeper than the walk goes is none (MAX_CGROUP_DEPTH bounds a hostile tree)
  h.cgroupFiles(`/d/1/2/3/4/5/6/7/8/9/10/docker-${A}.scope`, { 'cgroup.procs': '' });
  h.build();
  return h;
}

test("cgroup walk: container cgroups with their whole subtree's members; monitors and host services skipped", (t) => {
  const h = walkedHost(t);
  const found = findContainerCgroups(new HostReader(hostPaths(h.root)), h.path('/sys/fs/cgroup')).sort((a, b) =>
    a.path.localeCompare(b.path),
  );
  assert.deepEqual(
    found.map((c) => [c.path, c.hint.runtime, c.pids.sort((x, y) => x - y), c.nested]),
    [
      [`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podx.slice/crio-${B}.scope`, 'cri-o', [400], false],
      ['/lxc.payload.web1', 'lxc', [210, 220], true],
      [`/system.slice/docker-${'0'.repeat(64)}.scope`, 'docker', [], false],
      [`/system.slice/docker-${A}.scope`, 'docker', [300], false],
    ],
  );
});

test('a listing of the hierarchy made aside gives the container cgroups the walk finds, without members', (t) => {
  const h = walkedHost(t);
  const dir = h.path('/sys/fs/cgroup');
  const walked = findContainerCgroups(new HostReader(hostPaths(h.root)), dir).map(({ pids, ...c }) => c);
  const listed = containerCgroupsListed(directoriesUnder(dir, LISTING_DEPTH));
  const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
  assert.equal(walked.length, 4);
  assert.deepEqual(listed.sort(byPath), walked.sort(byPath));
  // a listing as deep as LISTING_DEPTH says is deep enough: one level less misses whether the deepest is nested
  h.cgroupFiles(`/d/1/2/3/4/5/6/7/8/9/docker-${B}.scope/sub`, { 'cgroup.procs': '' });
  const deepest = (l: ReturnType<typeof containerCgroupsListed>) => l.find((c) => c.hint.id === B && c.path.startsWith('/d/'));
  assert.equal(deepest(containerCgroupsListed(directoriesUnder(dir, LISTING_DEPTH)))?.nested, true);
  assert.equal(deepest(containerCgroupsListed(directoriesUnder(dir, LISTING_DEPTH - 1)))?.nested, false);
  assert.equal(
    findContainerCgroups(new HostReader(hostPaths(h.root)), dir).find((c) => c.hint.id === B && c.path.startsWith('/d/'))?.nested,
    true,
  );
});

const proc = (hostPid: number, ppid: number, nsPids: number[], startTicks: number): ProcessInfo => ({
  hostPid,
  ppid,
  nsPids,
  containerPid: nsPids[nsPids.length - 1],
  startTicks,
  threads: 1,
  state: 'S',
  comm: 'x',
  command: 'x',
  uid: 0,
  user: 'root',
  cpuTicks: 0,
  rssBytes: 0,
  cgroups: [],
  namespaces: {},
});

test('chooseInit: the container-PID-1 process; else (--pid host) the oldest whose parent is outside', () => {
  const init = proc(2010, 2000, [2010, 1], 500);
  const exec = proc(2100, 2000, [2100, 35], 400); // an exec'd process: parent outside, but not PID 1 inside
  const child = proc(2040, 2010, [2040, 29], 300);
  assert.equal(chooseInit([exec, child, init]).hostPid, 2010);
  const a = proc(3000, 2990, [3000], 700);
  const b = proc(3050, 2990, [3050], 650);
  const c = proc(3060, 3050, [3060], 100);
  assert.equal(chooseInit([a, b, c]).hostPid, 3050, 'host PID namespace: oldest root');
  assert.equal(chooseInit([proc(5, 1, [5], 9), proc(4, 1, [4], 9)]).hostPid, 4, 'same start: lowest PID');
});

test('shim flags: -id X, --id X, --id=X; basename of a directory', () => {
  const argv = ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', A, '-address', '/run/containerd/containerd.sock'];
  assert.equal(flagValue(argv, '-namespace', '--namespace'), 'k8s.io');
  assert.equal(flagValue(argv, '-id', '--id'), A);
  assert.equal(flagValue(['x', '--machine=debian'], '-M', '--machine'), 'debian');
  assert.equal(flagValue(['x', '--id'], '--id'), undefined, 'a flag without its value');
  assert.equal(baseName('/var/lib/machines/alpine'), 'alpine');
});

test("isoSeconds: Go's RFC 3339 with nanoseconds and zones; Go's zero time and junk are null", () => {
  assert.equal(isoSeconds('2023-11-14T22:13:20.123456789Z'), 1700000000.123);
  assert.equal(isoSeconds('2022-01-07T11:33:26.50092793-06:00'), Date.parse('2022-01-07T17:33:26.500Z') / 1000);
  assert.equal(isoSeconds('0001-01-01T00:00:00Z'), null);
  assert.equal(isoSeconds('yesterday'), null);
  assert.equal(isoSeconds(42), null);
});

test('docker --pid host: found by its cgroup; init from State.Pid, container PIDs are host PIDs; pid ns shared', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  const scope = `/system.slice/docker-${A}.scope`;
  h.process({
    pid: 2000,
    ppid: 1,
    comm: 'containerd-shim',
    args: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', A, '-address', '/run/containerd/containerd.sock'],
    cgroup: '/system.slice/containerd.service',
  });
  h.process({
    pid: 2010,
    ppid: 2000,
    comm: 'node_exporter',
    args: ['/bin/node_exporter', '--path.rootfs=/host'],
    cgroup: scope,
    ns: { mnt: 4026532900, cgroup: 4026532901 },
    startTicks: 9000,
  });
  h.process({
    pid: 2100,
    ppid: 2000,
    comm: 'sh',
    args: ['sh'],
    cgroup: scope,
    ns: { mnt: 4026532900, cgroup: 4026532901 },
    startTicks: 9900,
  });
  h.json(`/var/lib/docker/containers/${A}/config.v2.json`, {
    ID: A,
    Name: '/node-exporter',
    Config: { Image: 'prom/node-exporter:v1.7.0', Labels: {} },
    State: { Running: true, Pid: 2010, StartedAt: '2023-11-14T22:20:00Z' },
  });
  const c = scanHost({ root: h.build() }).containers;
  assert.equal(c.length, 1);
  assert.deepEqual(
    [c[0].name, c[0].init, c[0].pids, c[0].shim?.pid],
    ['node-exporter', { hostPid: 2010, containerPid: 2010 }, [2010, 2100], 2000],
  );
  assert.deepEqual(
    c[0].namespaces.filter((n) => !n.sharedWithHost).map((n) => n.type),
    ['cgroup', 'mnt'],
  );
});
