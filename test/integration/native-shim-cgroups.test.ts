// The container cgroups on this host's real cgroupfs (v1 hybrid here: separate cpu and cpuacct mounts and an
// empty unified v2 mount that must not be taken for v2).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cgroupPids, cgroupVersion, createContainerCgroup, removeContainerCgroup } from '../../src/engine/containers/cgroups.js';
import { UsageError } from '../../src/errors.js';
import { isRoot, missing } from '../helpers/prereq.js';

const CG = '/sys/fs/cgroup';

function newId(): string {
  return randomBytes(32).toString('hex');
}

test('cgroups: version detected at run time, dirs in every mounted hierarchy, limits written, rm leaves nothing', async (t) => {
  if (missing(t, isRoot(), 'root')) return;
  const id = newId();
  t.after(async () => {
    for (const pid of cgroupPids(id)) process.kill(pid, 'SIGKILL');
    await removeContainerCgroup(id);
  });
  const v = cgroupVersion();
  const cg = createContainerCgroup(id, { memoryBytes: 16 << 20, nanoCpus: 500_000_000, pidsLimit: 20, cpusetCpus: '0' });
  assert.equal(cg.version, v);
  assert.equal(cg.path, `/tctop/${id}`);
  const read = (f: string) => readFileSync(f, 'utf8').trim();
  if (v === 1) {
    assert.equal(existsSync(join(CG, 'unified', 'tctop', id)), false, 'the hybrid unified mount is not used');
    const expectDirs = ['memory', 'cpu', 'cpuacct', 'pids', 'cpuset', 'blkio', 'freezer', 'devices']
      .filter((c) => existsSync(join(CG, c, 'cgroup.procs')))
      .map((c) => join(CG, c, 'tctop', id));
    assert.deepEqual([...cg.dirs].sort(), expectDirs.sort());
    assert.equal(cg.oomFile, join(CG, 'memory', 'tctop', id, 'memory.oom_control'));
    assert.match(read(cg.oomFile!), /^oom_kill 0$/m);
    assert.equal(read(join(CG, 'memory/tctop', id, 'memory.limit_in_bytes')), String(16 << 20));
    if (existsSync(join(CG, 'memory/tctop', id, 'memory.memsw.limit_in_bytes')))
      assert.equal(read(join(CG, 'memory/tctop', id, 'memory.memsw.limit_in_bytes')), String(16 << 20));
    assert.equal(read(join(CG, 'cpu/tctop', id, 'cpu.cfs_quota_us')), '50000');
    assert.equal(read(join(CG, 'cpu/tctop', id, 'cpu.cfs_period_us')), '100000');
    assert.equal(read(join(CG, 'pids/tctop', id, 'pids.max')), '20');
    assert.equal(read(join(CG, 'cpuset/tctop', id, 'cpuset.cpus')), '0');
    assert.equal(read(join(CG, 'cpuset/tctop', 'cpuset.cpus')), read(join(CG, 'cpuset', 'cpuset.cpus')));
    assert.doesNotMatch(read(join(CG, 'devices/tctop', id, 'devices.list')), /^a \*:\* rwm$/m);
  } else {
    assert.deepEqual(cg.dirs, [join(CG, 'tctop', id)]);
    assert.equal(read(join(CG, 'tctop', id, 'memory.max')), String(16 << 20));
    assert.equal(read(join(CG, 'tctop', id, 'pids.max')), '20');
  }
  // a process can join every dir (cpuset joins fail when cpus/mems are empty)
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  for (const dir of cg.dirs) writeFileSync(join(dir, 'cgroup.procs'), String(child.pid));
  assert.deepEqual(cgroupPids(id), [child.pid]);
  // creating again (start after stop) is idempotent
  createContainerCgroup(id, { memoryBytes: 32 << 20 });
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  await removeContainerCgroup(id); // retries while the cgroup is still busy with the dying process
  for (const dir of cg.dirs) assert.equal(existsSync(dir), false, dir);
});

test('cgroups: a cpuset outside the parent set is a usage error and nothing is created', async (t) => {
  if (missing(t, isRoot(), 'root')) return;
  const id = newId();
  t.after(() => removeContainerCgroup(id));
  assert.throws(
    () => createContainerCgroup(id, { cpusetCpus: '4095' }),
    (e) => e instanceof UsageError && /not available/.test(e.message),
  );
  assert.throws(() => createContainerCgroup(id, { cpusetCpus: 'zero' }), UsageError);
  for (const c of ['memory', 'cpu', 'cpuset', 'pids']) assert.equal(existsSync(join(CG, c, 'tctop', id)), false);
  assert.equal(existsSync(join(CG, 'tctop', id)), false);
});

// This hybrid host's /sys/fs/cgroup/unified is a real cgroup2 mount with no controllers: the v2 code path on the
// real kernel (mkdir, subtree_control, joining, rmdir), and the controller checks against what it offers.
const UNIFIED = join(CG, 'unified');

function unifiedAvailable(): boolean {
  return existsSync(join(UNIFIED, 'cgroup.controllers'));
}

test('cgroups v2 (the hybrid unified mount): created and removed for real; a limit it cannot enforce is refused', async (t) => {
  if (missing(t, isRoot(), 'root')) return;
  if (cgroupVersion() === 2 || !unifiedAvailable()) {
    t.diagnostic('not a hybrid v1 host: the v2 path runs on /sys/fs/cgroup in the other tests');
    return;
  }
  const id = newId();
  t.after(() => removeContainerCgroup(id, UNIFIED));
  assert.equal(cgroupVersion(UNIFIED), 2);
  const cg = createContainerCgroup(id, {}, UNIFIED);
  assert.deepEqual(cg.dirs, [join(UNIFIED, 'tctop', id)]);
  const offered = readFileSync(join(UNIFIED, 'cgroup.controllers'), 'utf8').trim();
  assert.equal(cg.oomFile, offered.includes('memory') ? join(UNIFIED, 'tctop', id, 'memory.events') : null);
  if (!offered.includes('pids')) assert.throws(() => createContainerCgroup(newId(), { pidsLimit: 5 }, UNIFIED), /pids controller/);
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  writeFileSync(join(cg.dirs[0], 'cgroup.procs'), String(child.pid));
  assert.deepEqual(cgroupPids(id, UNIFIED), [child.pid]);
  assert.match(readFileSync(`/proc/${child.pid}/cgroup`, 'utf8'), new RegExp(`^0::/tctop/${id}$`, 'm'));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  await removeContainerCgroup(id, UNIFIED);
  assert.equal(existsSync(cg.dirs[0]), false);
});
