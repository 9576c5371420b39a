// The long-running scanner on a fixture host that changes between scans: containers start and stop, processes are
// exec'd and exit, PIDs are reused and wrap, metadata changes. Between full passes (fullPassIntervalMs) a scan
// probes only the PIDs /proc/loadavg says were created, so each case runs with full passes pushed far away.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostScanner } from '../../../src/snapshot/scanner.js';
import { FixtureHost } from '../../helpers/fixture-host.js';

const A = '3c1f5a4e9b2d7c80e6f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7';
const B = '7bd5db88ae6e5e52e941a2709ed9c18d7572f32db6ea44e8afe783227711151a';
const NS_A = { pid: 4026534001, mnt: 4026534000, net: 4026534003 };
const NS_B = { pid: 4026534101, mnt: 4026534100, net: 4026534103 };
const scope = (id: string) => `/system.slice/docker-${id}.scope`;
const NO_FULL_PASS = { fullPassIntervalMs: 1e9, claimTtlMs: 1e9, specTtlMs: 0 };

function dockerContainer(h: FixtureHost, id: string, name: string, shimPid: number, ns: object, startTicks: number) {
  h.process({
    pid: shimPid,
    ppid: 1,
    comm: 'containerd-shim',
    args: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', id, '-address', '/run/containerd/containerd.sock'],
    cgroup: '/system.slice/containerd.service',
  });
  h.process({
    pid: shimPid + 10,
    ppid: shimPid,
    comm: 'nginx',
    args: ['nginx'],
    cgroup: scope(id),
    ns,
    nspid: [shimPid + 10, 1],
    startTicks,
  });
  h.json(`/var/lib/docker/containers/${id}/config.v2.json`, {
    ID: id,
    Name: `/${name}`,
    Config: { Image: 'nginx:1.25', Labels: {} },
    State: { Running: true, Pid: shimPid + 10, StartedAt: '2023-11-14T22:20:00Z' },
  });
  h.cgroupFiles(scope(id), { 'memory.current': '1000\n', 'memory.stat': 'inactive_file 100\n', 'memory.max': 'max\n' });
}

function startHost(t: { after(fn: () => void): void }): { h: FixtureHost; scanner: HostScanner } {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  dockerContainer(h, A, 'first', 2000, NS_A, 5000);
  h.build();
  const scanner = new HostScanner({ root: h.root, ...NO_FULL_PASS });
  t.after(() => scanner.close?.());
  assert.deepEqual(
    scanner.scan().containers.map((c) => c.name),
    ['first'],
  );
  return { h, scanner };
}

test('incremental: a container started between scans is found from the new PIDs alone', (t) => {
  const { h, scanner } = startHost(t);
  dockerContainer(h, B, 'second', 3000, NS_B, 6000);
  h.build();
  const snap = scanner.scan();
  assert.deepEqual(
    snap.containers.map((c) => [c.name, c.init?.hostPid, c.pids]),
    [
      ['first', 2010, [2010]],
      ['second', 3010, [3010]],
    ],
  );
  assert.equal(snap.containers[1].cgroup?.memory?.workingSetBytes, 900);
});

test("incremental: an exec'd process joins, an exited one leaves, a stopped container disappears", (t) => {
  const { h, scanner } = startHost(t);
  h.process({ pid: 2100, ppid: 2000, comm: 'sh', args: ['sh'], cgroup: scope(A), ns: NS_A, nspid: [2100, 7], startTicks: 7000 });
  h.build();
  assert.deepEqual(scanner.scan().containers[0].pids, [2010, 2100]);
  h.exit(2100);
  h.build();
  assert.deepEqual(scanner.scan().containers[0].pids, [2010]);
  h.exit(2010).exit(2000);
  h.build();
  assert.deepEqual(scanner.scan().containers, []);
});

test('incremental: a reused PID is read whole again (new start time), not refreshed as the old process', (t) => {
  const { h, scanner } = startHost(t);
  h.process({ pid: 2100, ppid: 2000, comm: 'sh', args: ['sh'], cgroup: scope(A), ns: NS_A, nspid: [2100, 7], startTicks: 7000 });
  h.build();
  assert.equal(scanner.scan().processes.get(2100)?.command, 'sh');
  h.exit(2100);
  h.process({ pid: 2100, ppid: 2000, comm: 'top', args: ['top', '-b'], cgroup: scope(A), ns: NS_A, nspid: [2100, 9], startTicks: 8000 });
  h.build();
  const p = scanner.scan().processes.get(2100);
  assert.deepEqual([p?.command, p?.containerPid, p?.startTicks], ['top -b', 9, 8000]);
});

test('incremental: a PID namespace made between scans (unshare) is found as a sandbox', (t) => {
  const { h, scanner } = startHost(t);
  h.process({
    pid: 2500,
    ppid: 1,
    comm: 'unshare',
    args: ['unshare', '-pf', 'sleep', '100'],
    cgroup: '/user.slice/user-0.slice/session-1.scope',
  });
  h.process({
    pid: 2501,
    ppid: 2500,
    comm: 'sleep',
    args: ['sleep', '100'],
    cgroup: '/user.slice/user-0.slice/session-1.scope',
    ns: { pid: 4026534201 },
    nspid: [2501, 1],
  });
  h.build();
  const sb = scanner.scan().containers.find((c) => c.runtime === 'sandbox');
  assert.deepEqual([sb?.name, sb?.init], ['sleep', { hostPid: 2501, containerPid: 1 }]);
});

test('a PID wrap-around (last PID smaller than before) forces a full pass that sees every change', (t) => {
  const { h, scanner } = startHost(t);
  dockerContainer(h, B, 'second', 300, NS_B, 6000); // PIDs below the last scan's last PID
  h.build();
  h.file('/proc/loadavg', '0.10 0.10 0.10 1/150 310\n');
  assert.deepEqual(
    scanner.scan().containers.map((c) => c.name),
    ['first', 'second'],
  );
});

test('claims: runtime metadata is trusted for claimTtlMs, then read again (a docker rename shows)', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  dockerContainer(h, A, 'first', 2000, NS_A, 5000);
  h.build();
  const cached = new HostScanner({ root: h.root, ...NO_FULL_PASS });
  const fresh = new HostScanner({ root: h.root, ...NO_FULL_PASS, claimTtlMs: 0 });
  t.after(() => {
    cached.close?.();
    fresh.close?.();
  });
  cached.scan();
  fresh.scan();
  h.json(`/var/lib/docker/containers/${A}/config.v2.json`, {
    ID: A,
    Name: '/renamed',
    Config: { Image: 'nginx:1.25', Labels: {} },
    State: { Running: true, Pid: 2010 },
  });
  assert.equal(cached.scan().containers[0].name, 'first');
  assert.equal(fresh.scan().containers[0].name, 'renamed');
});

test('incremental: a new container whose guest nests cgroups (systemd in docker) is found with its members and shim', (t) => {
  const { h, scanner } = startHost(t);
  h.process({
    pid: 3000,
    ppid: 1,
    comm: 'containerd-shim',
    args: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', B, '-address', '/run/containerd/containerd.sock'],
    cgroup: '/system.slice/containerd.service',
  });
  h.process({ pid: 3010, ppid: 3000, comm: 'systemd', args: ['/sbin/init'], cgroup: `${scope(B)}/init.scope`, ns: NS_B, nspid: [3010, 1] });
  h.process({
    pid: 3050,
    ppid: 3010,
    comm: 'sshd',
    args: ['sshd'],
    cgroup: `${scope(B)}/system.slice/ssh.service`,
    ns: NS_B,
    nspid: [3050, 40],
  });
  h.build();
  const c = scanner.scan().containers.find((x) => x.id === B);
  assert.deepEqual([c?.runtime, c?.pids, c?.shim?.pid], ['docker', [3010, 3050], 3000]);
});

test('the same nested container seen by a full pass: all members (the walk looks below the container cgroup)', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({
    pid: 3000,
    ppid: 1,
    comm: 'containerd-shim',
    args: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', B, '-address', '/run/containerd/containerd.sock'],
    cgroup: '/system.slice/containerd.service',
  });
  h.process({ pid: 3010, ppid: 3000, comm: 'systemd', args: ['/sbin/init'], cgroup: `${scope(B)}/init.scope`, ns: NS_B, nspid: [3010, 1] });
  h.process({
    pid: 3050,
    ppid: 3010,
    comm: 'sshd',
    args: ['sshd'],
    cgroup: `${scope(B)}/system.slice/ssh.service`,
    ns: NS_B,
    nspid: [3050, 40],
  });
  h.build();
  const scanner = new HostScanner({ root: h.root });
  t.after(() => scanner.close?.());
  assert.deepEqual(
    scanner.scan().containers.map((c) => [c.id, c.pids]),
    [[B, [3010, 3050]]],
  );
});
