// The scanner's allProcesses option (the dashboard's host tree view): every host process in the snapshot while on,
// only the containers' and their shims' while off, switched between scans of one long-running scanner.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostScanner } from '../../../src/snapshot/scanner.js';
import { FixtureHost } from '../../helpers/fixture-host.js';

const ID = '3c1f5a4e9b2d7c80e6f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7';
const scope = `/system.slice/docker-${ID}.scope`;

test('allProcesses: a scan reads every host process only while it is on', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 500, ppid: 1, comm: 'dockerd', args: ['/usr/bin/dockerd'], cgroup: '/system.slice/docker.service' });
  h.process({ pid: 600, ppid: 1, comm: 'sshd\x1b]0;pwn\x07', args: ['sshd'], cgroup: '/system.slice/ssh.service' });
  h.process({
    pid: 2000,
    ppid: 1,
    comm: 'containerd-shim',
    args: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', ID],
    cgroup: '/system.slice/containerd.service',
  });
  h.process({ pid: 2010, ppid: 2000, comm: 'nginx', args: ['nginx'], cgroup: scope, ns: { pid: 4026534001 }, nspid: [2010, 1] });
  h.json(`/var/lib/docker/containers/${ID}/config.v2.json`, {
    ID,
    Name: '/web',
    Config: { Image: 'nginx', Labels: {} },
    State: { Running: true, Pid: 2010 },
  });
  h.build();
  const scanner = new HostScanner({ root: h.root, fullPassIntervalMs: 1e9 });
  t.after(() => scanner.close());
  const pids = () => [...scanner.scan().processes.keys()].sort((a, b) => a - b);
  assert.deepEqual(pids(), [2000, 2010], 'by default only the container and its shim');
  scanner.readAllProcesses(true);
  assert.deepEqual(pids(), [1, 2, 500, 600, 2000, 2010]);
  const snap = scanner.scan();
  assert.equal(snap.containers.length, 1, 'the containers are the same');
  assert.equal(snap.processes.get(500)?.comm, 'dockerd');
  scanner.readAllProcesses(false);
  assert.deepEqual(pids(), [2000, 2010], 'off again: the host processes are dropped');
  assert.deepEqual(
    [...new HostScanner({ root: h.root, allProcesses: true, keepFilesOpen: false }).scan().processes.keys()].sort((a, b) => a - b),
    [1, 2, 500, 600, 2000, 2010],
    'the option at construction',
  );
});

test('allProcesses: new PIDs at once, gone ones at once, the known ones refreshed in turn within the per-scan budget', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  for (let pid = 500; pid < 510; pid++) h.process({ pid, ppid: 1, comm: 'sleep', args: ['sleep', '100'], cgroup: '/user.slice' });
  h.build();
  // 12 known processes (the fixture's PID 1 and 2 too), 3 refreshed a scan: each one in turn every 4 scans
  const scanner = new HostScanner({ root: h.root, fullPassIntervalMs: 1e9, allProcesses: true, allProcessesPerScan: 3 });
  t.after(() => scanner.close());
  scanner.scan();
  for (let pid = 500; pid < 510; pid++) h.execve(pid, 'sh', ['sh', '-c', 'wait']);
  h.process({ pid: 700, ppid: 1, comm: 'new', args: ['new'], cgroup: '/user.slice' });
  h.exit(509);
  h.build();
  const execd = (snap: ReturnType<HostScanner['scan']>) => [...snap.processes.values()].filter((p) => p.comm === 'sh').length;
  const first = scanner.scan();
  assert.equal(first.processes.get(700)?.command, 'new', 'a new PID: read whole at once');
  assert.equal(first.processes.has(509), false, 'a PID gone from /proc: gone at once');
  assert.ok(execd(first) <= 3, `at most the budget refreshed in one scan (${execd(first)})`);
  let seen = execd(first);
  for (let i = 0; i < 3; i++) seen = execd(scanner.scan());
  assert.equal(seen, 9, 'every known process refreshed within ceil(known / budget) scans');
});
