// joinUnder (src/host/paths.ts) and cgroupDir (src/host/cgroupfs/v1.ts), which builds on it: path.join's result for
// a normalized dir, concatenated when the rest is clean segments, through path.join otherwise.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cgroupDir } from '../../../src/host/cgroupfs/v1.js';
import { joinUnder } from '../../../src/host/paths.js';

test('joinUnder is path.join for a normalized dir: concatenated for clean segments, path.join for the rest', () => {
  const dirs = ['/', '/a', '/a/b', '/var/lib/tctop/layers/sha256/0f'];
  const rels = [
    'x',
    'x/y',
    '...',
    'a.b/..c',
    'x y/\u00e9',
    '.hidden/..x',
    '.',
    '..',
    'x/.',
    'x/..',
    '../x',
    'x//y',
    '/x',
    'x/',
    '',
    './x',
    'x/./y',
  ];
  for (const dir of dirs) for (const rel of rels) assert.equal(joinUnder(dir, rel), join(dir, rel), `${dir} + ${rel}`);
});

test('cgroupDir is path.join of the mount and the cgroup path; the root cgroup is the mount', () => {
  const mounts = ['/sys/fs/cgroup/memory', '/tmp/fixture/sys/fs/cgroup/cpu,cpuacct'];
  const paths = ['/docker/abc', '/tctop/x.scope', '/a/.hidden', '/a/../b', '/a//b', '/a/', 'relative/x', '/x/./y'];
  for (const mount of mounts) {
    assert.equal(cgroupDir(mount, '/'), mount);
    for (const path of paths) assert.equal(cgroupDir(mount, path), join(mount, path), `${mount} + ${path}`);
  }
});
