// The summary readers (`tctop ps`'s four figures) on the captures of test/fixtures/hosts: the same figures as the
// full readers give, nothing else; the absent file is an absent figure, not a zero.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectCgroupLayout } from '../../../src/host/cgroupfs/layout.js';
import { readV1Summary, readV2Summary } from '../../../src/host/cgroupfs/summary.js';
import { readV1Stats } from '../../../src/host/cgroupfs/v1.js';
import { readV2Stats } from '../../../src/host/cgroupfs/v2.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import type { CgroupStats } from '../../../src/host/records.js';
import { FixtureHost, fixtureDir } from '../../helpers/fixture-host.js';

/** What `ps` prints of a full read. */
const printed = (s: CgroupStats) => ({
  version: s.version,
  path: s.path,
  ...(s.cpu ? { cpu: { usageSeconds: s.cpu.usageSeconds } } : {}),
  ...(s.memory ? { memory: { usageBytes: s.memory.usageBytes, limitBytes: s.memory.limitBytes } } : {}),
  ...(s.frozen !== undefined ? { frozen: s.frozen } : {}),
});

test("readV2Summary on the captured Docker scope: the full read's CPU, memory, limit and freezer figures alone", (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.cgroupFiles('/system.slice/docker-x.scope', fixtureDir('v2-docker-systemd/web'));
  h.cgroupFiles('/system.slice/frozen.scope', {
    'cpu.stat': 'usage_usec 2000000\n',
    'memory.current': '4096\n',
    'memory.max': '8192\n',
    'cgroup.events': 'populated 1\nfrozen 1\n',
  });
  h.build();
  const root = h.path('/sys/fs/cgroup');
  const r = new HostReader(hostPaths(h.root));
  const full = readV2Stats(r, root, '/system.slice/docker-x.scope');
  const summary = readV2Summary(r, root, '/system.slice/docker-x.scope');
  assert.ok(summary.cpu && summary.memory && summary.frozen === false, 'the capture has every figure');
  assert.deepEqual(summary, printed(full));
  assert.deepEqual(readV2Summary(r, root, '/system.slice/frozen.scope'), {
    version: 2,
    path: '/system.slice/frozen.scope',
    cpu: { usageSeconds: 2 },
    memory: { usageBytes: 4096, limitBytes: 8192 },
    frozen: true,
  });
  assert.deepEqual(readV2Summary(r, root, '/gone.scope'), { version: 2, path: '/gone.scope' });
});

test('readV1Summary on the capture from this machine: each controller at its own path, as the full read', (t) => {
  const h = new FixtureHost(t, { cgroup: 'hybrid', v1Mounts: 'separate' });
  for (const ctrl of ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'blkio', 'freezer'])
    h.cgroupFiles('/docker/x', fixtureDir(`hybrid-docker-cgroupfs/web/${ctrl}`), ctrl);
  h.cgroupFiles('/docker/y', { 'cpuacct.usage': '5000000000\n' }, 'cpuacct');
  h.cgroupFiles('/docker/y', { 'memory.usage_in_bytes': '4096\n', 'memory.limit_in_bytes': `${2 ** 63 - 4096}\n` }, 'memory');
  h.build();
  const layout = detectCgroupLayout(h.path('/sys/fs/cgroup'));
  const r = new HostReader(hostPaths(h.root));
  const x = readV1Summary(r, layout, () => '/docker/x');
  assert.ok(x.cpu && x.memory?.limitBytes !== undefined && x.frozen !== undefined, 'the capture has every figure');
  assert.deepEqual(x, printed(readV1Stats(r, layout, () => '/docker/x', 100)));
  // the kernel's "no limit" is no limit; a controller the container is not in gives nothing
  assert.deepEqual(
    readV1Summary(r, layout, (c) => (c === 'cpuacct' || c === 'memory' ? '/docker/y' : undefined)),
    {
      version: 1,
      path: '/docker/y',
      cpu: { usageSeconds: 5 },
      memory: { usageBytes: 4096, limitBytes: undefined },
    },
  );
});
