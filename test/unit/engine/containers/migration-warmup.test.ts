// Which cgroup.procs the CLI writes itself into to keep cgroup migrations warm: its own cgroup, found from
// /proc/self/cgroup, on v2 or the first mounted v1 hierarchy. Fixture roots laid out like the real ones.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ownCgroupProcsFile } from '../../../../src/engine/containers/migration-warmup.js';

function fixtureRoot(t: TestContext): string {
  const root = mkdtempSync(join(tmpdir(), 'tctop-warm-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

function v1Hierarchy(root: string, name: string): void {
  mkdirSync(join(root, name));
  writeFileSync(join(root, name, 'cgroup.procs'), '');
}

test("v2: the unified line's path under the cgroup2 root", (t) => {
  const root = fixtureRoot(t);
  writeFileSync(join(root, 'cgroup.controllers'), 'cpu memory pids\n');
  assert.equal(
    ownCgroupProcsFile(root, '0::/user.slice/user-0.slice/session-3.scope\n'),
    join(root, 'user.slice/user-0.slice/session-3.scope/cgroup.procs'),
  );
  // a path with a colon in it stays whole
  assert.equal(ownCgroupProcsFile(root, '0::/odd:name\n'), join(root, 'odd:name/cgroup.procs'));
  assert.equal(ownCgroupProcsFile(root, '1:name=systemd:/x\n'), null, 'no unified line: nothing to write to');
});

test("v1: the first line whose controller is mounted, through a combined mount's real dir", (t) => {
  const root = fixtureRoot(t);
  v1Hierarchy(root, 'cpu,cpuacct');
  symlinkSync('cpu,cpuacct', join(root, 'cpu'));
  v1Hierarchy(root, 'memory');
  mkdirSync(join(root, 'unified')); // the empty v2 mount of a hybrid host does not count
  const self = '12:name=systemd:/user.slice\n5:cpu,cpuacct:/user.slice/a\n4:memory:/process_api/b\n0::/user.slice\n';
  assert.equal(ownCgroupProcsFile(root, self), join(realpathSync(join(root, 'cpu,cpuacct')), 'user.slice/a/cgroup.procs'));
  assert.equal(
    ownCgroupProcsFile(root, '4:memory:/process_api/b\n'),
    join(realpathSync(join(root, 'memory')), 'process_api/b/cgroup.procs'),
  );
  assert.equal(ownCgroupProcsFile(root, '7:pids:/\n'), null, 'pids is not mounted here');
});

test('on this host: a cgroup.procs that lists this very process', () => {
  const file = ownCgroupProcsFile();
  assert.ok(file, 'found');
  assert.ok(readFileSync(file, 'utf8').split('\n').includes(String(process.pid)));
});
