// cgroup limits applied to a real container started by the shim: OOM kill recorded, a fork bomb contained by
// pids.max, a CPU quota of half a core, a cpuset.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cgroupPids } from '../../src/engine/containers/cgroups.js';
import { needRootAndBusybox, readLog, startBox, stdoutOf, waitExit, waitFor, type Box } from './native-shim-harness.js';

/** Cumulative CPU time of the container's cgroup in nanoseconds (v1 cpuacct.usage, v2 cpu.stat usage_usec). */
function cpuNs(box: Box): number {
  if (box.cgroup.version === 1)
    return Number(readFileSync(join(box.cgroup.dirs.find((d) => d.includes('/cpuacct/'))!, 'cpuacct.usage'), 'utf8'));
  const m = /^usage_usec (\d+)$/m.exec(readFileSync(join(box.cgroup.dirs[0], 'cpu.stat'), 'utf8'));
  return Number(m![1]) * 1000;
}

/** Periods in which the quota ran out (cpu.stat nr_throttled, v1 and v2 alike). */
function throttled(box: Box): number {
  const dir = box.cgroup.version === 1 ? box.cgroup.dirs.find((d) => d.includes('/cpu/'))! : box.cgroup.dirs[0];
  return Number(/^nr_throttled (\d+)$/m.exec(readFileSync(join(dir, 'cpu.stat'), 'utf8'))?.[1] ?? 0);
}

function pidsFile(box: Box, file: string): string {
  const dir = box.cgroup.version === 1 ? box.cgroup.dirs.find((d) => d.includes('/pids/'))! : box.cgroup.dirs[0];
  return readFileSync(join(dir, file), 'utf8').trim();
}

test('limits: --memory 16m and a memory hog -> OOM kill, exitCode 137, oomKilled true', async (t) => {
  if (needRootAndBusybox(t)) return;
  // busybox tail keeps the "last lines" of /dev/zero, which has no newline: it allocates until killed
  const box = await startBox(t, { args: ['tail', '/dev/zero'], limits: { memoryBytes: 16 << 20 } });
  const exit = await waitExit(box, 30_000);
  assert.deepEqual([exit.exitCode, exit.signal, exit.oomKilled], [137, 9, true]);
  assert.deepEqual(readLog(box), []);
});

test('limits: an OOM kill of a child is still recorded; a plain SIGKILL is not an OOM kill', async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, {
    args: ['sh', '-c', 'tail /dev/zero; echo "child status $?"; exit 4'],
    limits: { memoryBytes: 16 << 20 },
  });
  const exit = await waitExit(box, 30_000);
  assert.deepEqual([exit.exitCode, exit.oomKilled], [4, true]);
  assert.equal(stdoutOf(box), 'child status 137\n');
  const plain = await startBox(t, { args: ['sleep', '60'], limits: { memoryBytes: 16 << 20 } });
  process.kill(plain.pid, 'SIGKILL');
  assert.deepEqual([(await waitExit(plain)).exitCode, (await waitExit(plain)).oomKilled], [137, false]);
});

test('limits: --pids-limit 20 contains a fork bomb; the host can still fork; killing the init ends it all', async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, { args: ['sh', '-c', 'f() { f | f & }; f; sleep 60'], limits: { pidsLimit: 20 } });
  await waitFor('the bomb to hit the limit', () => Number(/^max (\d+)$/m.exec(pidsFile(box, 'pids.events'))?.[1] ?? 0) > 0);
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(Number(pidsFile(box, 'pids.current')) <= 20, `pids.current ${pidsFile(box, 'pids.current')}`);
  assert.ok(cgroupPids(box.id).length <= 20);
  assert.equal(spawnSync('true').status, 0, 'the host still forks');
  process.kill(box.pid, 'SIGKILL');
  const exit = await waitExit(box);
  assert.equal(exit.exitCode, 137);
  await waitFor('the bomb to be gone', () => cgroupPids(box.id).length === 0);
});

test('limits: --cpus 0.5 holds two busy loops to about half a core', async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, {
    args: ['sh', '-c', '(while :; do :; done) & (while :; do :; done) & sleep 60'],
    limits: { nanoCpus: 500_000_000 },
  });
  await new Promise((r) => setTimeout(r, 500)); // past the first period's burst
  const c0 = cpuNs(box);
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, 2000));
  const cores = (cpuNs(box) - c0) / Number(process.hrtime.bigint() - t0);
  t.diagnostic(`CPU use under a 0.5 quota: ${cores.toFixed(3)} cores`);
  // the quota is a ceiling: on a loaded 2-core host the loops may get less, never more
  assert.ok(cores < 0.6, `used ${cores.toFixed(3)} cores, more than the quota`);
  assert.ok(cores > 0.2, `used only ${cores.toFixed(3)} cores: the loops hardly ran`);
  assert.ok(throttled(box) > 0, 'the CFS quota throttled the container');
  process.kill(box.pid, 'SIGKILL');
  await waitExit(box);
});

test('limits: --cpuset-cpus 0 pins the container to CPU 0', async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, { args: ['sh', '-c', 'grep Cpus_allowed_list /proc/self/status'], limits: { cpusetCpus: '0' } });
  await waitExit(box);
  assert.equal(stdoutOf(box), 'Cpus_allowed_list:\t0\n');
});
