// The writable layer's walk on real trees: du's figure (blocks, hard links once), no symlink followed, nothing
// outside the tree counted, a directory swapped for a link mid-walk skipped, bounded steps.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { DirUsageWalk } from '../../../src/host/dir-usage.js';

function tree(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-du-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function walkAll(dir: string, budget = 1_000_000): DirUsageWalk {
  const w = new DirUsageWalk(dir);
  for (let i = 0; i < 100_000 && !w.step(budget); i++);
  assert.ok(w.done);
  return w;
}

const duBytes = (dir: string) => Number(execFileSync('du', ['-sx', '-B1', dir], { encoding: 'utf8' }).split('\t')[0]);

test("du's figure: allocated blocks, hard links counted once, names with any bytes", (t) => {
  const dir = tree(t);
  mkdirSync(join(dir, 'a/b/c'), { recursive: true });
  writeFileSync(join(dir, 'a/one'), Buffer.alloc(100_000, 1));
  writeFileSync(join(dir, 'a/b/c/two'), Buffer.alloc(5000, 2));
  linkSync(join(dir, 'a/one'), join(dir, 'a/b/one-again'));
  writeFileSync(Buffer.from(join(dir, 'bad-\xff-\n-name'), 'latin1'), 'x');
  writeFileSync(join(dir, '\u001b[31mred'), 'y');
  const w = walkAll(dir);
  assert.equal(w.usage.bytes, duBytes(dir));
  assert.equal(w.usage.inodes, 8); // root, a, b, c, one, two, the two odd names (the hard link once)
  assert.equal(w.usage.skipped, 0);
});

test('symlinks are counted as links, never followed, even to a big tree outside', (t) => {
  const dir = tree(t);
  const outside = tree(t);
  writeFileSync(join(outside, 'big'), Buffer.alloc(1 << 20, 1));
  symlinkSync(outside, join(dir, 'out'));
  symlinkSync('/', join(dir, 'root'));
  const w = walkAll(dir);
  assert.ok(w.usage.bytes < 64 * 1024, `${w.usage.bytes}`);
  assert.equal(w.usage.inodes, 3);
});

test('a directory replaced by a link to outside between listing and reading is skipped, not followed', (t) => {
  const dir = tree(t);
  const outside = tree(t);
  for (let i = 0; i < 50; i++) writeFileSync(join(outside, `f${i}`), Buffer.alloc(8192, 1));
  mkdirSync(join(dir, 'sub'));
  const w = new DirUsageWalk(dir);
  w.step(1); // the root is listed and sub looked at: it is queued as a directory, not yet opened
  renameSync(join(dir, 'sub'), join(dir, 'sub.old'));
  symlinkSync(outside, join(dir, 'sub'));
  for (let i = 0; i < 100 && !w.step(1000); i++);
  assert.ok(w.done);
  assert.ok(w.usage.bytes < 50 * 8192, `${w.usage.bytes}`);
  assert.equal(w.usage.skipped >= 1, true);
});

test('steps are bounded: a tree of 3000 files takes many steps of 100', (t) => {
  const dir = tree(t);
  for (let d = 0; d < 10; d++) {
    mkdirSync(join(dir, `d${d}`));
    for (let f = 0; f < 300; f++) writeFileSync(join(dir, `d${d}`, `f${f}`), '');
  }
  const w = new DirUsageWalk(dir);
  let steps = 0;
  while (!w.step(100)) steps++;
  assert.ok(steps >= 29, `${steps}`);
  assert.equal(w.visited, 3010);
  assert.equal(w.usage.inodes, 3011);
});

test('a root that is missing or a link is an error, not a walk', (t) => {
  const dir = tree(t);
  symlinkSync(tree(t), join(dir, 'link'));
  for (const p of [join(dir, 'missing'), join(dir, 'link')]) {
    const w = walkAll(p);
    assert.ok(w.error, p);
    assert.equal(w.usage.inodes, 0);
  }
});
