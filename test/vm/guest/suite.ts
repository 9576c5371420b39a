// The guest suite, run once per boot by test/vm/guest/boot.sh in one node process (a node start costs seconds
// under emulation): the guest itself, discovery per runtime, v2 figures, exporter, dashboard, engine.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { OUT, readText } from './lib.js';

test('guest: systemd as PID 1 on a pure cgroup v2 hierarchy', () => {
  assert.equal(readText('/proc/1/comm').trim(), 'systemd');
  assert.ok(existsSync('/sys/fs/cgroup/cgroup.controllers'), 'cgroup2 at /sys/fs/cgroup');
  const cgroupMounts = readText('/proc/self/mounts')
    .split('\n')
    .filter((l) => / cgroup2? /.test(l));
  assert.deepEqual(
    cgroupMounts.map((l) => l.split(' ')[2]),
    ['cgroup2'],
    'no v1 hierarchy mounted',
  );
});

for (const line of readFileSync(`${OUT}/setup.txt`, 'utf8').split('\n').filter(Boolean)) {
  const step = line.replace(/^(ok|FAIL) /, '').replace(/:.*$/s, '');
  test(`guest setup: ${step}`, () => assert.ok(line.startsWith('ok '), line));
}

await import('./discovery.js');
await import('./figures.js');
// pause and thaw the shared containers early: its checks come out even if a slow run is cut short later
await import('./pause.js');
await import('./exporter.js');
await import('./dashboard.js');
await import('./engine.js');
