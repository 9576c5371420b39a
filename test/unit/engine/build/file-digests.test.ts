// The copied files' digests kept by their lstat (src/engine/build/file-digests.ts): an unchanged file's digest is
// taken from the cache without reading the file, any write (even one that restores size and mtime) is seen through
// ctime, a file written just before it was read is never kept, and a damaged cache is only an empty one.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { hashPlan } from '../../../../src/engine/build/copy-layer.js';
import { FileDigests, fileDigestsPath, RACY_MARGIN_MS } from '../../../../src/engine/build/file-digests.js';
import { Sha256Memo } from '../../../../src/engine/build/sha256-memo.js';
import { planCopyAll } from '../../../helpers/copy-plan.js';

const hex = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
const FAKE = 'f'.repeat(64);
/** A read made long after the file's last change: past the racy margin. */
const later = () => Date.now() + RACY_MARGIN_MS + 10_000;

function scratch(t: TestContext): { root: string; ctx: string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tctop-file-digests-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ctx = join(dir, 'ctx');
  mkdirSync(join(dir, 'image'), { recursive: true });
  mkdirSync(ctx);
  return { root: join(dir, 'root'), ctx };
}

test('a digest kept for a file is given while its lstat is unchanged, and is what hashPlan uses, unread', async (t) => {
  const { root, ctx } = scratch(t);
  writeFileSync(join(ctx, 'a'), 'alpha');
  writeFileSync(join(ctx, 'b'), 'beta');
  const first = FileDigests.load(root);
  // "a" is recorded with a digest that is not its content's: only a cache that is read unverified can give it
  first.set(join(ctx, 'a'), lstatSync(join(ctx, 'a')), FAKE, later());
  first.save();
  const again = FileDigests.load(root);
  assert.equal(again.get(join(ctx, 'a'), lstatSync(join(ctx, 'a'))), FAKE);
  assert.equal(again.get(join(ctx, 'b'), lstatSync(join(ctx, 'b'))), undefined, 'never recorded');
  const plan = planCopyAll(ctx, join(ctx, '..', 'image'));
  const withCache = await hashPlan(plan, Sha256Memo.none(), again);
  const readAll = await hashPlan(plan);
  assert.notEqual(withCache, readAll, 'the recorded digest stood in for reading "a"');
  const honest = FileDigests.load(root);
  honest.set(join(ctx, 'a'), lstatSync(join(ctx, 'a')), hex('alpha'), later());
  assert.equal(await hashPlan(plan, Sha256Memo.none(), honest), readAll, 'a true digest gives the key reading gives');
});

test('a write seen only in ctime (same size, mtime put back) is a miss, and the file is read again', async (t) => {
  const { root, ctx } = scratch(t);
  const path = join(ctx, 'f');
  writeFileSync(path, 'one');
  const stamp = 1_700_000_000; // whole seconds: set back exactly
  utimesSync(path, stamp, stamp);
  const cache = FileDigests.load(root);
  const before = lstatSync(path);
  cache.set(path, before, hex('one'), later());
  // past the kernel's timestamp tick, as any write after a real read (which the margin puts ticks later) is
  await new Promise((r) => setTimeout(r, 50));
  writeFileSync(path, 'two');
  utimesSync(path, stamp, stamp);
  const now = lstatSync(path);
  assert.equal(now.size, before.size);
  assert.equal(now.mtimeMs, before.mtimeMs, 'the test restored mtime');
  assert.equal(cache.get(path, now), undefined, 'ctime moved: not the file that was hashed');
  const key = await hashPlan(planCopyAll(ctx, join(ctx, '..', 'image')), Sha256Memo.none(), cache);
  assert.equal(key, await hashPlan(planCopyAll(ctx, join(ctx, '..', 'image'))), 'the new bytes were read');
});

test('a file changed just before it was read is not kept (racily clean), an old one is, with its real digest', async (t) => {
  const { root, ctx } = scratch(t);
  const path = join(ctx, 'fresh');
  writeFileSync(path, 'fresh bytes');
  const cache = FileDigests.load(root);
  await hashPlan(planCopyAll(ctx, join(ctx, '..', 'image')), Sha256Memo.none(), cache);
  assert.equal(cache.get(path, lstatSync(path)), undefined, 'read within the margin of its last write: not kept');
  cache.set(path, lstatSync(path), hex('fresh bytes'), Date.now());
  assert.equal(cache.get(path, lstatSync(path)), undefined, 'set refuses it too');
  cache.set(path, lstatSync(path), hex('fresh bytes'), later());
  cache.save();
  assert.equal(FileDigests.load(root).get(path, lstatSync(path)), hex('fresh bytes'));
  assert.equal(statSync(fileDigestsPath(root)).mode & 0o777, 0o600);
});

test('a damaged or foreign cache file is an empty cache; none() keeps and writes nothing', (t) => {
  const { root, ctx } = scratch(t);
  const path = join(ctx, 'f');
  writeFileSync(path, 'x');
  mkdirSync(join(fileDigestsPath(root), '..'), { recursive: true });
  const st = lstatSync(path);
  const row = [path, st.dev, st.ino, st.size, st.mode, st.mtimeMs, st.ctimeMs];
  for (const text of ['{not json', '{"a":1}', JSON.stringify([[...row, 'not-hex']]), JSON.stringify([[...row.slice(0, 6), 'x', FAKE]])]) {
    writeFileSync(fileDigestsPath(root), text);
    assert.equal(FileDigests.load(root).get(path, st), undefined, text);
  }
  writeFileSync(fileDigestsPath(root), JSON.stringify([[...row, FAKE]]));
  assert.equal(FileDigests.load(root).get(path, st), FAKE, 'a well-formed entry is read');
  rmSync(fileDigestsPath(root));
  const none = FileDigests.none();
  none.set(path, st, FAKE, later());
  none.save();
  assert.equal(none.get(path, st), undefined);
  assert.throws(() => readFileSync(fileDigestsPath(root)), /ENOENT/);
});

test('the cache stays bounded, the newest entries kept', (t) => {
  const { root, ctx } = scratch(t);
  const path = join(ctx, 'f');
  writeFileSync(path, 'x');
  const st = lstatSync(path);
  const cache = FileDigests.load(root);
  const name = (i: number) => `${ctx}/${'d'.repeat(120)}/${i}`;
  for (let i = 0; i < 8000; i++) cache.set(name(i), st, FAKE, later());
  cache.save();
  const size = statSync(fileDigestsPath(root)).size;
  assert.ok(size <= 1 << 20, `${size} bytes`);
  const kept = FileDigests.load(root);
  assert.equal(kept.get(name(7999), st), FAKE, 'the newest kept');
  assert.equal(kept.get(name(0), st), undefined, 'the oldest dropped');
});
