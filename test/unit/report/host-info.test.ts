import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOsRelease } from '../../../src/host/os-release.js';
import { cgroupDriver, hostInfoReport } from '../../../src/report/host-info.js';
import type { Container, HostSnapshot } from '../../../src/snapshot/model.js';

test('os-release: quoted and unquoted values, escapes, comments', () => {
  const f = parseOsRelease(
    '# comment\nPRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nNAME=Debian\nVERSION_ID=\'13\'\nX="a \\"b\\" \\$c"\nbad line\n',
  );
  assert.deepEqual(f, { PRETTY_NAME: 'Debian GNU/Linux 13 (trixie)', NAME: 'Debian', VERSION_ID: '13', X: 'a "b" $c' });
});

const container = (over: Partial<Container>): Container => ({
  id: 'x',
  name: 'x',
  runtime: 'docker',
  image: '',
  state: 'running',
  labels: {},
  shim: null,
  init: { hostPid: 1, containerPid: 1 },
  pids: [1],
  namespaces: [],
  cgroup: null,
  network: null,
  startedAt: null,
  createdAt: null,
  extra: {},
  ...over,
});

test('cgroup driver from the cgroup names; counts per runtime', () => {
  const cg = (path: string) => ({ version: 2 as const, path });
  assert.equal(cgroupDriver(container({ cgroup: cg('/system.slice/docker-abc.scope') })), 'systemd');
  assert.equal(cgroupDriver(container({ cgroup: cg('/kubepods.slice/kubepods-pod1.slice/cri-containerd-abc.scope') })), 'systemd');
  assert.equal(cgroupDriver(container({ cgroup: cg('/docker/abc') })), 'cgroupfs');
  assert.equal(cgroupDriver(container({})), null);
  const snap = {
    host: { hostname: 'h', kernel: 'k', cpuCores: 2, memoryBytes: 4, cgroupVersion: 2 },
    containers: [
      container({ cgroup: cg('/docker/a') }),
      container({ state: 'paused', cgroup: cg('/docker/b') }),
      container({ init: null, state: 'exited', pids: [] }),
      container({ runtime: 'podman', cgroup: cg('/machine.slice/libpod-c.scope') }),
    ],
    hostProcessCount: 9,
  } as unknown as HostSnapshot;
  const r = hostInfoReport(snap, 'OS', { version: '1', root: '/r', images: 0 });
  assert.deepEqual(r.containers, { total: 4, running: 2, paused: 1, stopped: 1 });
  assert.deepEqual(r.runtimes, [
    { name: 'docker', containers: 3, running: 1, paused: 1, stopped: 1, cgroupDrivers: ['cgroupfs'] },
    { name: 'podman', containers: 1, running: 1, paused: 0, stopped: 0, cgroupDrivers: ['systemd'] },
  ]);
});
