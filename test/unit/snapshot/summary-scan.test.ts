// A summary scan (ScanOptions.figures 'summary', `tctop ps`) reads members' stat (the status of those that may be the
// init) and four cgroup files of twenty, yet
// `ps --json` prints exactly what it prints from a full scan: on cgroup v2 and v1 (each controller at its own path),
// with a shimmed init, a container whose init is not its first member, and a sandbox.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { psJson } from '../../../src/report/container-json.js';
import { scanHost } from '../../../src/snapshot/scanner.js';
import { FixtureHost, fixtureDir, type FixtureProcess } from '../../helpers/fixture-host.js';

const DOCKER = `d0c${'1'.repeat(61)}`;
const TCTOP = `7c7${'2'.repeat(61)}`;
const ns = (base: number) => ({ pid: base + 1, mnt: base, net: base + 3 });

function host(t: TestContext, layout: 'v2' | 'hybrid'): string {
  const h = layout === 'v2' ? new FixtureHost(t, { cgroup: 'v2' }) : new FixtureHost(t, { cgroup: 'hybrid', v1Mounts: 'separate' });
  const dockerCg = layout === 'v2' ? `/system.slice/docker-${DOCKER}.scope` : `/docker/${DOCKER}`;
  h.process({
    pid: 5000,
    ppid: 1,
    comm: 'containerd-shim',
    args: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', DOCKER],
    cgroup: '/system.slice/containerd.service',
  });
  // the exec'd member has the lower PID: the init is picked by its parent and its container PID, not by order
  h.process({ pid: 5001, ppid: 5002, comm: 'sleep', args: ['sleep', '1d'], cgroup: dockerCg, ns: ns(4026550000), nspid: [5001, 7] });
  h.process({ pid: 5002, ppid: 5000, comm: 'sh', args: ['sh', '-c', 'x'], cgroup: dockerCg, ns: ns(4026550000), nspid: [5002, 1] });
  h.json(`/var/lib/docker/containers/${DOCKER}/config.v2.json`, {
    ID: DOCKER,
    Name: '/web',
    Config: { Image: 'busybox', Labels: { a: 'b' } },
    State: { Running: true, Pid: 5002, StartedAt: '2023-11-14T22:20:00Z' },
    NetworkSettings: { Ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] } },
  });
  h.process({
    pid: 5100,
    ppid: 1,
    comm: 'tctop-shim',
    args: ['/opt/tctop/native/build/tctop-shim', '--id', TCTOP, '--state', `/var/lib/tctop/containers/${TCTOP}`],
    cgroup: '/system.slice/tctop.service',
  });
  h.process({ pid: 5101, ppid: 5100, comm: 'sh', args: ['sh'], cgroup: `/tctop/${TCTOP}`, ns: ns(4026551000), nspid: [5101, 1] });
  h.json(`/var/lib/tctop/containers/${TCTOP}/state.json`, {
    id: TCTOP,
    name: 'api',
    image: 'busybox',
    status: 'running',
    startedAt: '2023-11-14T22:21:00Z',
  });
  h.process({ pid: 5200, ppid: 1, comm: 'lonely', args: ['lonely'], cgroup: '/user.slice', ns: ns(4026552000), nspid: [5200, 1] });
  if (layout === 'v2') {
    h.cgroupFiles(dockerCg, fixtureDir('v2-docker-systemd/web'));
    h.cgroupFiles(`/tctop/${TCTOP}`, {
      'cpu.stat': 'usage_usec 1500000\n',
      'memory.current': '4096\n',
      'memory.max': 'max\n',
      'cgroup.events': 'frozen 1\n',
    });
  } else {
    for (const ctrl of ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'blkio', 'freezer'])
      h.cgroupFiles(dockerCg, fixtureDir(`hybrid-docker-cgroupfs/web/${ctrl}`), ctrl);
    h.cgroupFiles(`/tctop/${TCTOP}`, { 'cpuacct.usage': '1500000000\n' }, 'cpuacct');
  }
  return h.build();
}

for (const layout of ['v2', 'hybrid'] as const) {
  test(`ps --json from a summary scan is ps --json from a full one (${layout})`, (t) => {
    const root = host(t, layout);
    const full = scanHost({ root, includeStopped: true });
    const summary = scanHost({ root, includeStopped: true, figures: 'summary' });
    const now = full.takenAt / 1000;
    assert.deepEqual(
      summary.containers.map((c) => psJson(c, now)),
      full.containers.map((c) => psJson(c, now)),
    );
    assert.deepEqual(
      full.containers.map((c) => [c.name, c.init?.hostPid]),
      [
        ['web', 5002],
        ['lonely', 5200],
        ['api', 5101],
      ],
    );
    const web = full.containers.find((c) => c.name === 'web')!;
    assert.ok(web.cgroup?.cpu && web.cgroup.memory, 'the figures are there to compare');
    // what the summary left unread: the exec'd member's command line and cgroups, the network counters
    assert.equal(summary.processes.get(5001)?.command, '');
    assert.equal(full.processes.get(5001)?.command, 'sleep 1d');
    // and the status of a member whose parent is a member too: it cannot be the init
    assert.deepEqual(summary.processes.get(5001)?.nsPids, []);
    assert.deepEqual(full.processes.get(5001)?.nsPids, [5001, 7]);
    assert.deepEqual(summary.processes.get(5002)?.nsPids, [5002, 1]);
  });
}

/** A v2 host with tctop's shim (5100) and the first process it started in TCTOP's cgroup (5101, with `first`). */
function shimAndFirst(t: TestContext, first: Partial<FixtureProcess>): FixtureHost {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 5100, ppid: 1, comm: 'tctop-shim', args: ['tctop-shim', '--id', TCTOP], cgroup: '/system.slice/tctop.service' });
  h.process({ pid: 5101, ppid: 5100, comm: 'sh', args: ['sh'], cgroup: `/tctop/${TCTOP}`, ns: ns(4026551000), ...first });
  return h;
}

test('a root that vanishes mid-scan makes its children roots: the summary reads their status and picks the same init', (t) => {
  // its stat was read, then it exited before its status could be
  const h = shimAndFirst(t, { missing: ['status'] });
  h.process({
    pid: 5102,
    ppid: 5101,
    comm: 'sleep',
    args: ['sleep', '1d'],
    cgroup: `/tctop/${TCTOP}`,
    ns: ns(4026551000),
    nspid: [5102, 2],
  });
  h.cgroupFiles(`/tctop/${TCTOP}`, { 'cpu.stat': 'usage_usec 1500000\n', 'memory.current': '4096\n', 'memory.max': 'max\n' });
  const root = h.build();
  const full = scanHost({ root });
  const summary = scanHost({ root, figures: 'summary' });
  const now = full.takenAt / 1000;
  assert.deepEqual(
    summary.containers.map((c) => psJson(c, now)),
    full.containers.map((c) => psJson(c, now)),
  );
  assert.deepEqual(summary.containers[0]?.init, { hostPid: 5102, containerPid: 2 });
  assert.deepEqual(summary.processes.get(5102)?.nsPids, [5102, 2]);
  assert.equal(summary.processes.has(5101), false);
});

test("a shim that is another container's member read stat alone has its status read as a shim's", (t) => {
  const inner = `7c7${'3'.repeat(61)}`;
  const h = shimAndFirst(t, { nspid: [5101, 1] });
  // the outer container runs a shim of its own (nested containers): a member whose parent is a member
  h.process({
    pid: 5102,
    ppid: 5101,
    comm: 'tctop-shim',
    args: ['tctop-shim', '--id', inner],
    cgroup: `/tctop/${TCTOP}`,
    ns: ns(4026551000),
    nspid: [5102, 2],
  });
  h.process({
    pid: 5103,
    ppid: 5102,
    comm: 'sleep',
    args: ['sleep', '1d'],
    cgroup: `/tctop/${inner}`,
    ns: ns(4026552000),
    nspid: [5103, 9, 1],
  });
  const root = h.build();
  const full = scanHost({ root });
  const summary = scanHost({ root, figures: 'summary' });
  assert.deepEqual(
    summary.containers.map((c) => [c.id, c.init, c.shim]),
    full.containers.map((c) => [c.id, c.init, c.shim]),
  );
  assert.deepEqual(summary.processes.get(5102)?.nsPids, [5102, 2]);
  assert.equal(summary.processes.get(5102)?.uid, full.processes.get(5102)?.uid);
});
