// Resource limits enforced by the real kernel: memory (OOM kill -> 137, oomKilled), pids (a fork bomb stays
// inside), CPU quota (about half a core at --cpus 0.5), cpuset (the CPUs the process may run on).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { engineMissing, IMAGE, newEngine, sleep, until } from './engine-harness.js';

// cgroup v1 (one hierarchy per controller) or v2 (one tree), as the engine detected it
const V2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
const cg = (ctl: string, id: string, file: string) =>
  readFileSync(V2 ? `/sys/fs/cgroup/tctop/${id}/${file}` : `/sys/fs/cgroup/${ctl}/tctop/${id}/${file}`, 'utf8').trim();
const memoryLimit = (id: string) => Number(V2 ? cg('memory', id, 'memory.max') : cg('memory', id, 'memory.limit_in_bytes'));
const cpuQuota = (id: string) => (V2 ? cg('cpu', id, 'cpu.max').split(' ')[0] : cg('cpu', id, 'cpu.cfs_quota_us'));
/** CPU time used, in nanoseconds. */
const cpuUsage = (id: string) =>
  V2 ? Number(/usage_usec (\d+)/.exec(cg('cpu', id, 'cpu.stat'))![1]) * 1000 : Number(cg('cpuacct', id, 'cpuacct.usage'));

test('--memory: a memory hog is OOM-killed: exit 137, inspect says oomKilled', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const r = e.tctop(['run', '--name', 'hog', '--memory', '16m', IMAGE, 'tail', '/dev/zero'], { timeoutMs: 60_000 });
  assert.equal(r.status, 137, r.stderr);
  const info = e.inspect('hog');
  assert.equal(info.state, 'exited');
  assert.equal(info.exitCode, 137);
  assert.equal(info.oomKilled, true);
  const [id] = e.stateDirs();
  assert.equal(memoryLimit(id), 16 * 1024 * 1024);
  // a container killed by hand is not an OOM kill
  e.runDetached(['--name', 'killed', '--memory', '16m', IMAGE, 'sleep', '3600']);
  e.ok(['kill', 'killed']);
  assert.equal(e.ok(['wait', 'killed']), '137\n');
  assert.equal(e.inspect('killed').oomKilled, false);
});

test('--pids-limit: a fork bomb stays inside its limit and the host is fine', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const id = e.runDetached(['--pids-limit', '20', IMAGE, 'sh', '-c', 'f() { f | f & }; f; sleep 5']);
  await until(() => Number(/max (\d+)/.exec(cg('pids', id, 'pids.events'))?.[1] ?? 0) > 0, 10_000, 'forks refused at the limit');
  assert.equal(cg('pids', id, 'pids.max'), '20');
  assert.ok(Number(cg('pids', id, 'pids.current')) <= 20);
  assert.equal(e.ok(['run', '--rm', IMAGE, 'echo', 'host still forks']), 'host still forks\n');
  e.ok(['rm', '-f', id]);
  assert.deepEqual((await e.settled(10_000)).processes, []);
});

test('--cpus 0.5: a busy loop gets about half a core', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const id = e.runDetached(['--cpus', '0.5', IMAGE, 'sh', '-c', 'while :; do :; done']);
  assert.equal(cpuQuota(id), '50000');
  await sleep(300);
  const u0 = cpuUsage(id);
  const t0 = process.hrtime.bigint();
  await sleep(2000);
  const cores = (cpuUsage(id) - u0) / Number(process.hrtime.bigint() - t0);
  // the quota caps it near 0.5; a busy host may give it less, never more
  assert.ok(cores > 0.2 && cores < 0.6, `used ${cores.toFixed(2)} cores`);
});

test('--cpuset-cpus: the container runs on those CPUs only; a CPU the host lacks is refused, nothing created', (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  assert.equal(
    e.ok(['run', '--rm', '--cpuset-cpus', '0', IMAGE, 'sh', '-c', 'grep Cpus_allowed_list /proc/self/status']),
    'Cpus_allowed_list:\t0\n',
  );
  const bad = e.tctop(['run', '--rm', '--cpuset-cpus', '99', IMAGE, 'true']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^tctop: .*cpuset-cpus.*99.*\n$/);
  assert.deepEqual(e.stateDirs(), []);
});
