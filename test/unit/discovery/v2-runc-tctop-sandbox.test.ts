// Fixture host 8: cgroup v2; plain runc, tctop's own engine, and a PID namespace nobody claims.
// - `runc run -d r1` in /root/bundles/r1: runc exits, the init is re-parented to PID 1; libcontainer's state.json
//   under /run/runc/r1 records init_process_pid and init_process_start (stat field 22) and the bundle label.
//   A stale state.json whose PID now belongs to another process (other start time) must not claim it.
// - tctop's engine: `tctop-shim --id <id> --state <dir>` is the init's parent, cgroup /tctop/<id>, and
//   <TCTOP_ROOT>/containers/<id>/state.json names it; stopped ones are listed from their state files.
// - `unshare --pid --fork --mount-proc sh` from alice's session: a group in a private PID namespace that no runtime
//   claims, shown as runtime "sandbox" named after its init.
// Sources: libcontainer's State (runc libcontainer/container_linux.go: init_process_pid, init_process_start,
// created, config.labels "bundle=..."), tctop's adapter contract (src/discovery/adapters/tctop.ts), unshare(1).
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { scanHost, scanHostAside } from '../../../src/snapshot/scanner.js';
import type { Container } from '../../../src/snapshot/model.js';
import { FixtureHost } from '../../helpers/fixture-host.js';
import { assertAsideScanAgrees } from '../../helpers/scan-aside.js';

process.env.TCTOP_ROOT = '/var/lib/tctop'; // the adapter's default, whatever the environment running the tests says

const TCTOP = 'c0ffee00d15ea5e5c0ffee00d15ea5e5c0ffee00d15ea5e5c0ffee00d15ea5e5';
const TCTOP_STOPPED = 'dead0000beef0000dead0000beef0000dead0000beef0000dead0000beef0000';
const TCTOP_LOST = 'feed0000face0000feed0000face0000feed0000face0000feed0000face0000';
const R1_NS = { pid: 4026533401, mnt: 4026533400, net: 4026533403, uts: 4026533402, ipc: 4026533404, cgroup: 4026533405 };
const T_NS = { pid: 4026533501, mnt: 4026533500, net: 4026533503, uts: 4026533502, ipc: 4026533504, cgroup: 4026533505 };
const SB_NS = { pid: 4026533601, mnt: 4026533600 };
const STALE_NS = { pid: 4026533701, mnt: 4026533700 };

function runcState(id: string, pid: number, start: number, bundle: string) {
  return {
    id,
    init_process_pid: pid,
    init_process_start: start,
    created: '2023-11-14T23:10:00.987654321Z',
    config: { rootfs: `${bundle}/rootfs`, labels: [`bundle=${bundle}`], cgroups: { path: `/${id}` } },
    rootless: false,
    cgroup_paths: { '': `/sys/fs/cgroup/${id}` },
    namespace_paths: { NEWPID: `/proc/${pid}/ns/pid` },
    external_descriptors: ['/dev/null', '/dev/null', '/dev/null'],
  };
}

function tctopState(id: string, name: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name,
    image: 'tctop-test/busybox:latest',
    status,
    labels: { app: 'demo' },
    createdAt: '2023-11-14T23:20:00Z',
    startedAt: '2023-11-14T23:20:01Z',
    bundle: `/var/lib/tctop/containers/${id}`,
    ...extra,
  };
}

function mixedHost(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  // runc r1: re-parented to PID 1
  h.process({ pid: 9010, ppid: 1, comm: 'sh', args: ['sh'], cgroup: '/r1', ns: R1_NS, nspid: [9010, 1], startTicks: 70000 });
  h.process({ pid: 9015, ppid: 9010, comm: 'top', args: ['top', '-b'], cgroup: '/r1', ns: R1_NS, nspid: [9015, 6], startTicks: 70100 });
  h.json('/run/runc/r1/state.json', runcState('r1', 9010, 70000, '/root/bundles/r1'));
  h.cgroupFiles('/r1', {
    'memory.current': '1048576\n',
    'memory.stat': 'anon 524288\nfile 262144\ninactive_file 131072\n',
    'memory.max': 'max\n',
    'pids.current': '2\n',
    'pids.max': 'max\n',
  });
  // a stale state.json: PID 9300 was reused by a process that started later
  h.json('/run/runc/old/state.json', runcState('old', 9300, 100, '/root/bundles/old'));
  h.process({
    pid: 9290,
    ppid: 1,
    comm: 'bwrap',
    args: ['bwrap', '--unshare-pid', '--', 'sleep', 'infinity'],
    cgroup: '/user.slice/user-1000.slice/session-2.scope',
    uid: 1000,
  });
  h.process({
    pid: 9300,
    ppid: 9290,
    comm: 'sleep',
    args: ['sleep', 'infinity'],
    cgroup: '/user.slice/user-1000.slice/session-2.scope',
    ns: STALE_NS,
    nspid: [9300, 2],
    uid: 1000,
    startTicks: 80000,
  });
  // tctop's own
  h.process({
    pid: 9100,
    ppid: 1,
    comm: 'tctop-shim',
    args: ['/opt/tctop/native/build/tctop-shim', '--id', TCTOP, '--state', `/var/lib/tctop/containers/${TCTOP}`],
    cgroup: '/system.slice/tctop.service',
  });
  h.process({
    pid: 9110,
    ppid: 9100,
    comm: 'httpd',
    args: ['httpd', '-f', '-p', '8080'],
    cgroup: `/tctop/${TCTOP}`,
    ns: T_NS,
    nspid: [9110, 1],
  });
  h.json(`/var/lib/tctop/containers/${TCTOP}/state.json`, tctopState(TCTOP, 'demo', 'running'));
  h.json(
    `/var/lib/tctop/containers/${TCTOP_STOPPED}/state.json`,
    tctopState(TCTOP_STOPPED, 'done', 'exited', { exitCode: 3, finishedAt: '2023-11-14T23:30:00Z' }),
  );
  h.json(`/var/lib/tctop/containers/${TCTOP_LOST}/state.json`, tctopState(TCTOP_LOST, 'lost', 'running'));
  h.cgroupFiles(`/tctop/${TCTOP}`, {
    'memory.current': '2097152\n',
    'memory.stat': 'anon 1048576\nfile 524288\ninactive_file 262144\n',
    'memory.max': '67108864\n',
    'pids.current': '1\n',
    'pids.max': '64\n',
    'cpu.stat': 'usage_usec 15000\nuser_usec 10000\nsystem_usec 5000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n',
    'cpu.max': '50000 100000\n',
  });
  // unshare from alice's session
  h.process({ pid: 9190, ppid: 1, comm: 'bash', args: ['-bash'], cgroup: '/user.slice/user-1000.slice/session-2.scope', uid: 1000 });
  h.process({
    pid: 9200,
    ppid: 9190,
    comm: 'unshare',
    args: ['unshare', '--pid', '--fork', '--mount-proc', 'sh'],
    cgroup: '/user.slice/user-1000.slice/session-2.scope',
  });
  h.process({
    pid: 9201,
    ppid: 9200,
    comm: 'sh',
    args: ['sh'],
    cgroup: '/user.slice/user-1000.slice/session-2.scope',
    ns: SB_NS,
    nspid: [9201, 1],
    startTicks: 90000,
  });
  h.process({
    pid: 9230,
    ppid: 9201,
    comm: 'sleep',
    args: ['sleep', '1000'],
    cgroup: '/user.slice/user-1000.slice/session-2.scope',
    ns: SB_NS,
    nspid: [9230, 4],
    startTicks: 90500,
  });
  return h.build();
}

const find = (cs: Container[], pred: (c: Container) => boolean, what: string) => {
  const c = cs.find(pred);
  assert.ok(c, `${what} found`);
  return c;
};

test('v2 runc: state.json claims the group of its init (PID and start time match); no shim, runc exited', (t) => {
  const cs = scanHost({ root: mixedHost(t) }).containers;
  const r1 = find(cs, (c) => c.id === 'r1', 'r1');
  assert.deepEqual([r1.runtime, r1.name, r1.image, r1.state], ['runc', 'r1', '/root/bundles/r1', 'running']);
  assert.equal(r1.shim, null);
  assert.deepEqual(r1.init, { hostPid: 9010, containerPid: 1 });
  assert.deepEqual(r1.pids, [9010, 9015]);
  assert.equal(r1.createdAt, Date.parse('2023-11-14T23:10:00.987Z') / 1000);
  assert.equal(r1.extra.bundle, '/root/bundles/r1');
  assert.equal(r1.cgroup?.path, '/r1');
  assert.equal(r1.cgroup?.memory?.workingSetBytes, 1048576 - 131072);
  assert.deepEqual(
    r1.namespaces.filter((n) => n.sharedWithHost).map((n) => n.type),
    ['time', 'user'],
  );
});

test('v2 runc: `runc pause` freezes the cgroup (cgroup.events frozen 1): the container reads as paused', (t) => {
  const root = mixedHost(t);
  writeFileSync(`${root}/sys/fs/cgroup/r1/cgroup.events`, 'populated 1\nfrozen 1\n');
  const r1 = scanHost({ root }).containers.find((c) => c.id === 'r1');
  assert.deepEqual([r1?.state, r1?.cgroup?.frozen], ['paused', true]);
});

test('v2 runc: a stale state.json whose PID was reused does not claim the new process', (t) => {
  const cs = scanHost({ root: mixedHost(t) }).containers;
  assert.equal(
    cs.some((c) => c.id === 'old'),
    false,
  );
  const reused = find(cs, (c) => c.init?.hostPid === 9300, 'the process at the reused PID');
  assert.equal(reused.runtime, 'sandbox');
});

test('v2 tctop: its own shim and state.json; -a adds the exited one and says shim-dead for a "running" one with no process', (t) => {
  const snap = scanHost({ root: mixedHost(t), includeStopped: true });
  const c = find(snap.containers, (x) => x.id === TCTOP, 'tctop container');
  assert.deepEqual([c.runtime, c.name, c.image, c.state], ['tctop', 'demo', 'tctop-test/busybox:latest', 'running']);
  assert.deepEqual(c.labels, { app: 'demo' });
  assert.deepEqual(c.shim, {
    pid: 9100,
    command: `/opt/tctop/native/build/tctop-shim --id ${TCTOP} --state /var/lib/tctop/containers/${TCTOP}`,
  });
  assert.deepEqual(c.init, { hostPid: 9110, containerPid: 1 });
  assert.equal(c.startedAt, Date.parse('2023-11-14T23:20:01Z') / 1000);
  assert.deepEqual(c.cgroup?.memory, {
    usageBytes: 2097152,
    workingSetBytes: 2097152 - 262144,
    rssBytes: 1048576,
    cacheBytes: 524288,
    swapBytes: undefined,
    limitBytes: 67108864,
    oomKills: undefined,
    oomEvents: undefined,
    failcnt: undefined,
  });
  assert.deepEqual(c.cgroup?.pids, { current: 1, limit: 64 });
  assert.equal(c.cgroup?.cpu?.quotaMicros, 50000);
  const stopped = find(snap.containers, (x) => x.id === TCTOP_STOPPED, 'exited tctop container');
  assert.deepEqual([stopped.state, stopped.name, stopped.init, stopped.extra.exitCode], ['exited', 'done', null, 3]);
  assert.equal(find(snap.containers, (x) => x.id === TCTOP_LOST, 'lost tctop container').state, 'shim-dead');
});

test('v2 sandbox: an unclaimed private PID namespace is one container named after its init, every member in it', (t) => {
  const cs = scanHost({ root: mixedHost(t) }).containers;
  const sb = find(cs, (c) => c.init?.hostPid === 9201, 'unshare sandbox');
  assert.deepEqual([sb.runtime, sb.id, sb.name, sb.image, sb.state], ['sandbox', `ns-${SB_NS.pid}`, 'sh', '', 'running']);
  assert.equal(sb.shim, null);
  assert.deepEqual(sb.init, { hostPid: 9201, containerPid: 1 });
  assert.deepEqual(sb.pids, [9201, 9230]);
  assert.deepEqual(
    sb.namespaces.filter((n) => !n.sharedWithHost).map((n) => n.type),
    ['mnt', 'pid'],
  );
  // it lives in alice's session scope beside her shell and unshare itself: that scope's figures are not its own
  assert.equal(sb.cgroup, null);
  // the runtimes: exactly one of each here, and nothing for the host's own processes
  assert.deepEqual(cs.map((c) => c.runtime).sort(), ['runc', 'sandbox', 'sandbox', 'tctop']);
});

test('the one-shot scan with the PID namespaces read aside by the native helper sees exactly the same', async (t) => {
  await assertAsideScanAgrees(mixedHost(t), { includeStopped: true });
});

test('a process of a container born during the scan (its cgroup not walked yet) is not mistaken for a sandbox', async (t) => {
  const id = 'b0b0'.repeat(16);
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({
    pid: 9400,
    ppid: 1,
    comm: 'sleep',
    args: ['sleep', '1'],
    cgroup: `/system.slice/docker-${id}.scope`,
    ns: { pid: 4026533801, mnt: 4026533800 },
    nspid: [9400, 1],
  });
  const root = h.build();
  // the walk ran before the runtime made the cgroup: the process shows it, the hierarchy does not yet
  rmSync(`${root}/sys/fs/cgroup/system.slice/docker-${id}.scope`, { recursive: true, force: true });
  for (const snap of [scanHost({ root }), await scanHostAside({ root })]) {
    assert.equal(
      snap.containers.find((c) => c.pids.includes(9400)),
      undefined,
    );
  }
});

test('v2 tctop: a "running" state.json whose shim wrote exit.json reads as exited, with the code, signal and OOM flag', (t) => {
  const root = mixedHost(t);
  // the shim's record of a SIGKILLed init (exit code 128+9); state.json still says running (nobody folded it yet)
  writeFileSync(
    `${root}/var/lib/tctop/containers/${TCTOP_LOST}/exit.json`,
    JSON.stringify({ exitCode: 137, signal: 9, oomKilled: true, finishedAt: '2023-11-14T23:40:00Z', pid: 9400 }),
  );
  const snap = scanHost({ root, includeStopped: true });
  const c = find(snap.containers, (x) => x.id === TCTOP_LOST, 'killed tctop container');
  assert.equal(c.state, 'exited');
  assert.deepEqual([c.extra.exitCode, c.extra.exitSignal, c.extra.oomKilled, c.extra.finishedAt], [137, 9, true, '2023-11-14T23:40:00Z']);
});
