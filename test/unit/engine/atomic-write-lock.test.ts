// The engine's one atomic-write helper (durable or not, a file is replaced whole and no temp file is left) and its
// one lock helper as the image store uses it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import lockfile from 'proper-lockfile';
import { writeFileAtomic } from '../../../src/engine/atomic-write.js';
import { withStoreLock } from '../../../src/engine/images/store-lock.js';

test('writeFileAtomic replaces a file whole, with its mode, durable or not, and leaves no temp file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'state.json');
  writeFileAtomic(path, 'one\n', { durable: false });
  assert.equal(statSync(path).mode & 0o777, 0o600, 'private by default');
  writeFileAtomic(path, Buffer.from('two\n'), { mode: 0o644 });
  assert.equal(readFileSync(path, 'utf8'), 'two\n');
  assert.deepEqual(readdirSync(dir), ['state.json']);
});

test('writeFileAtomic whose rename fails removes its temp file and leaves what was there', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const target = join(dir, 'target');
  mkdirSync(target); // a directory in the way: the rename fails (EISDIR) after the temp file was written
  assert.throws(() => writeFileAtomic(target, 'y'), /EISDIR/);
  assert.deepEqual(readdirSync(dir), ['target'], 'no temp file left');
  assert.equal(statSync(target).isDirectory(), true);
});

test('the image store lock waits for a holder of <root>/images.lock and is released after', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tctop-store-lock-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  await withStoreLock(root, async () => {
    assert.equal(await lockfile.check(join(root, 'images'), { realpath: false }), true, 'held as <root>/images.lock');
  });
  assert.equal(await lockfile.check(join(root, 'images'), { realpath: false }), false, 'released');
  const release = await lockfile.lock(join(root, 'images'), { realpath: false, stale: 10_000 });
  let got = false;
  const waiting = withStoreLock(root, async () => {
    got = true;
  });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(got, false, 'waits for the other holder');
  await release();
  await waiting;
  assert.equal(got, true);
});
