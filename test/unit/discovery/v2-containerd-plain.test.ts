// Fixture host: cgroup v2, containerd without Kubernetes: `ctr run` (cgroup /<namespace>/<id>, the ID a name the user
// chose) and nerdctl with the systemd driver (system.slice/nerdctl-<id>.scope, name in the nerdctl/name annotation).
// Neither cgroup name is a container pattern: the group is found by its PID namespace and claimed by the shim.
// Sources: containerd's oci default spec (cgroupsPath "/<namespace>/<id>"), nerdctl's systemd cgroup parent
// ("system.slice:nerdctl:<id>") and its nerdctl/* annotations; the shim argv and bundle cwd as captured from this
// machine's containerd (see test/integration/discovery-containerd.test.ts for the real thing on v1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanHost } from '../../../src/snapshot/scanner.js';
import type { Container } from '../../../src/snapshot/model.js';
import { FixtureHost } from '../../helpers/fixture-host.js';

const TASKS = '/run/containerd/io.containerd.runtime.v2.task';
const NERD = 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f';
const shim = (ns: string, id: string) => [
  '/usr/bin/containerd-shim-runc-v2',
  '-namespace',
  ns,
  '-id',
  id,
  '-address',
  '/run/containerd/containerd.sock',
];

function host(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({
    pid: 4000,
    ppid: 1,
    comm: 'containerd-shim',
    args: shim('default', 'redis-1'),
    cgroup: '/system.slice/containerd.service',
    cwd: `${TASKS}/default/redis-1`,
  });
  h.process({
    pid: 4010,
    ppid: 4000,
    comm: 'redis-server',
    args: ['redis-server *:6379'],
    cgroup: '/default/redis-1',
    ns: { pid: 4026534301, mnt: 4026534300 },
    nspid: [4010, 1],
  });
  h.json(`${TASKS}/default/redis-1/config.json`, {
    ociVersion: '1.1.0',
    process: { args: ['redis-server'] },
    linux: { cgroupsPath: '/default/redis-1' },
  });
  h.cgroupFiles('/default/redis-1', {
    'memory.current': '8388608\n',
    'memory.stat': 'anon 6291456\nfile 1048576\ninactive_file 524288\n',
    'memory.max': 'max\n',
    'pids.current': '4\n',
    'pids.max': 'max\n',
  });
  h.process({
    pid: 4100,
    ppid: 1,
    comm: 'containerd-shim',
    args: shim('default', NERD),
    cgroup: '/system.slice/containerd.service',
    cwd: `${TASKS}/default/${NERD}`,
  });
  h.process({
    pid: 4110,
    ppid: 4100,
    comm: 'nginx',
    args: ['nginx: master process nginx -g daemon off;'],
    cgroup: `/system.slice/nerdctl-${NERD}.scope`,
    ns: { pid: 4026534401, mnt: 4026534400, net: 4026534403 },
    nspid: [4110, 1],
  });
  h.json(`${TASKS}/default/${NERD}/config.json`, {
    ociVersion: '1.1.0',
    annotations: {
      'nerdctl/name': 'web',
      'nerdctl/hostname': NERD.slice(0, 12),
      'nerdctl/platform': 'linux/amd64',
      'nerdctl/state-dir': `/var/lib/nerdctl/1935db59/containers/default/${NERD}`,
    },
    linux: { cgroupsPath: `system.slice:nerdctl:${NERD}` },
  });
  return h.build();
}

const byId = (cs: Container[], id: string) => {
  const c = cs.find((x) => x.id === id);
  assert.ok(c, `container ${id} found`);
  return c;
};

test("v2 containerd (ctr): the ID is the name, namespace as a label, bundle from the shim's cwd, figures of /<ns>/<id>", (t) => {
  const c = byId(scanHost({ root: host(t) }).containers, 'redis-1');
  assert.deepEqual([c.runtime, c.name, c.image, c.state], ['containerd', 'redis-1', '', 'running']);
  assert.deepEqual(c.labels, { 'io.containerd.namespace': 'default' });
  assert.deepEqual(c.shim, { pid: 4000, command: shim('default', 'redis-1').join(' ') });
  assert.deepEqual(c.init, { hostPid: 4010, containerPid: 1 });
  assert.equal(c.extra.bundle, `${TASKS}/default/redis-1`);
  assert.equal(c.cgroup?.path, '/default/redis-1');
  assert.equal(c.cgroup?.memory?.workingSetBytes, 8388608 - 524288);
  assert.deepEqual(c.cgroup?.pids, { current: 4, limit: undefined });
});

test('v2 containerd (nerdctl, systemd driver): named from nerdctl/name, figures of nerdctl-<id>.scope', (t) => {
  const c = byId(scanHost({ root: host(t) }).containers, NERD);
  assert.deepEqual([c.runtime, c.name, c.shim?.pid, c.init?.hostPid], ['containerd', 'web', 4100, 4110]);
  assert.equal(c.cgroup?.path, `/system.slice/nerdctl-${NERD}.scope`);
});
