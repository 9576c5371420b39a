// cgroup v2 layout against a fixture directory laid out like a cgroup2 root (the host runs v1, tested for real in
// test/integration/native-shim-cgroups.test.ts); v1/v2 detection; cpuset list checks.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { cgroupVersion, createContainerCgroup, removeContainerCgroup } from '../../../../src/engine/containers/cgroups.js';
import { checkCpusetWithin, parseCpuList } from '../../../../src/engine/containers/cpu-list.js';
import { NativeError, UnsupportedError, UsageError } from '../../../../src/errors.js';

const ID = 'cd'.repeat(32);

function v2Root(t: TestContext, controllers = 'cpuset cpu io memory hugetlb pids rdma misc'): string {
  const root = mkdtempSync(join(tmpdir(), 'tctop-cg2-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'cgroup.controllers'), controllers + '\n');
  writeFileSync(join(root, 'cgroup.subtree_control'), '');
  writeFileSync(join(root, 'cpuset.cpus.effective'), '0-3\n');
  return root;
}

test('a cgroup2 root is v2; a tmpfs with controller mounts (and an empty unified/) is v1', (t) => {
  assert.equal(cgroupVersion(v2Root(t)), 2);
  const v1 = mkdtempSync(join(tmpdir(), 'tctop-cg1-'));
  t.after(() => rmSync(v1, { recursive: true, force: true }));
  mkdirSync(join(v1, 'unified'));
  writeFileSync(join(v1, 'unified', 'cgroup.controllers'), '');
  mkdirSync(join(v1, 'memory'));
  assert.equal(cgroupVersion(v1), 1);
});

test('v2: tctop/<id> with controllers enabled on the way and every limit written', async (t) => {
  const root = v2Root(t);
  const cg = createContainerCgroup(ID, { memoryBytes: 16 << 20, nanoCpus: 500_000_000, pidsLimit: 20, cpusetCpus: '1-2' }, root);
  const dir = join(root, 'tctop', ID);
  assert.deepEqual(cg, { version: 2, dirs: [dir], oomFile: join(dir, 'memory.events'), path: `/tctop/${ID}` });
  assert.equal(readFileSync(join(root, 'cgroup.subtree_control'), 'utf8'), '+cpu\n+memory\n+pids\n+cpuset\n+io\n');
  assert.equal(readFileSync(join(root, 'tctop', 'cgroup.subtree_control'), 'utf8'), '+cpu\n+memory\n+pids\n+cpuset\n+io\n');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  assert.equal(read('memory.max'), String(16 << 20));
  assert.equal(read('memory.swap.max'), '0');
  assert.equal(read('cpu.max'), '50000 100000');
  assert.equal(read('pids.max'), '20');
  assert.equal(read('cpuset.cpus'), '1-2');
  // a fixture dir is not cgroupfs: clear the files so rmdir can work as it would on the real thing
  rmSync(dir, { recursive: true });
  mkdirSync(dir);
  await removeContainerCgroup(ID, root);
  assert.equal(existsSync(dir), false);
  await removeContainerCgroup(ID, root); // already gone: fine
});

test('v2: only the controllers the root offers are enabled; a limit without its controller is refused', (t) => {
  const root = v2Root(t, 'cpu pids');
  const cg = createContainerCgroup(ID, { pidsLimit: 5 }, root);
  assert.equal(cg.oomFile, null);
  assert.equal(readFileSync(join(root, 'cgroup.subtree_control'), 'utf8'), '+cpu\n+pids\n');
  assert.throws(
    () => createContainerCgroup('ef'.repeat(32), { memoryBytes: 64 << 20 }, root),
    (e) => e instanceof UnsupportedError && /memory controller/.test(e.message),
  );
  assert.equal(existsSync(join(root, 'tctop', 'ef'.repeat(32))), false);
});

test('v2: a controller the kernel will not enable is skipped unless a limit needs it', async (t) => {
  const root = v2Root(t);
  rmSync(join(root, 'cgroup.subtree_control'));
  mkdirSync(join(root, 'cgroup.subtree_control')); // every write to it fails
  assert.deepEqual(createContainerCgroup(ID, {}, root).dirs, [join(root, 'tctop', ID)]);
  const other = 'ef'.repeat(32);
  assert.throws(
    () => createContainerCgroup(other, { pidsLimit: 10 }, root),
    (e) => e instanceof NativeError && /cgroup.subtree_control/.test(e.message),
  );
  assert.equal(existsSync(join(root, 'tctop', other)), false, 'nothing half-created');
});

test('bad limits and cpusets are usage errors and create nothing', (t) => {
  const root = v2Root(t);
  assert.throws(
    () => createContainerCgroup(ID, { cpusetCpus: '7' }, root),
    (e) => e instanceof UsageError && /CPU 7 not available/.test(e.message),
  );
  assert.throws(() => createContainerCgroup(ID, { cpusetCpus: '1-x' }, root), UsageError);
  assert.throws(() => createContainerCgroup(ID, { memoryBytes: 1000 }, root), /minimum memory/);
  assert.throws(() => createContainerCgroup(ID, { nanoCpus: -1 }, root), UsageError);
  assert.throws(() => createContainerCgroup('nothex', {}, root), UsageError);
  assert.equal(existsSync(join(root, 'tctop', ID)), false);
});

test('cpu lists parse like the kernel writes them', () => {
  assert.deepEqual([...parseCpuList('0-2,5\n')], [0, 1, 2, 5]);
  assert.deepEqual([...parseCpuList('')], []);
  assert.throws(() => parseCpuList('3-1'), UsageError);
  assert.throws(() => parseCpuList('a'), UsageError);
  checkCpusetWithin('0,1', '0-1');
  assert.throws(() => checkCpusetWithin('', '0-1'), UsageError);
});
