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
    const expectDirs = ['memory', 'cpu', 'cpuacct', 'pids', 'cpuset', 'blkio', 'freezer', 'devices'].filter((c) => existsSync(join(CG, c, 'cgroup.procs'))).map((c) => join(CG, c, 'tctop', id));
    assert.deepEqual([...cg.dirs].sort(), expectDirs.sort());
    assert.equal(cg.oomFile, join(CG, 'memory', 'tctop', id, 'memory.oom_control'));
    assert.match(read(cg.oomFile!), /^oom_kill 0$/m);
    assert.equal(read(join(CG, 'memory/tctop', id, 'memory.limit_in_bytes')), String(16 << 20));
    if (existsSync(join(CG, 'memory/tctop', id, 'memory.memsw.limit_in_bytes'))) assert.equal(read(join(CG, 'memory/tctop', id, 'memory.memsw.limit_in_bytes')), String(16 << 20));
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
  assert.throws(() => createContainerCgroup(id, { cpusetCpus: '4095' }), (e) => e instanceof UsageError && /not available/.test(e.message));
  assert.throws(() => createContainerCgroup(id, { cpusetCpus: 'zero' }), UsageError);
  for (const c of ['memory', 'cpu', 'cpuset', 'pids']) assert.equal(existsSync(join(CG, c, 'tctop', id)), false);
  assert.equal(existsSync(join(CG, 'tctop', id)), false);
});
