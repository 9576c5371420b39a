// The build's sha256 memo (src/engine/build/sha256-memo.ts): every digest it gives is sha256 of the exact bytes asked
// about, whether remembered or computed; a fully cached rebuild's digests come from it without node:crypto; it stays
// bounded, and a damaged file is only an empty memo.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { hashPlan } from '../../../../src/engine/build/copy-layer.js';
import { memoPath, Sha256Memo } from '../../../../src/engine/build/sha256-memo.js';
import { planCopyAll } from '../../../helpers/copy-plan.js';

const real = (input: string | Buffer) => `sha256:${createHash('sha256').update(input).digest('hex')}`;

function scratchRoot(t: TestContext): string {
  const root = mkdtempSync(join(tmpdir(), 'tctop-memo-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

test('remembered or computed, a digest is sha256 of the bytes: strings as UTF-8, which a Buffer of them agrees with', (t) => {
  const root = scratchRoot(t);
  const inputs = ['', 'abc', 'caf\u00e9 \u{1f600}', Buffer.from([0xe9]), Buffer.from('caf\u00e9'), Buffer.from([0, 1, 255, 10])];
  const first = Sha256Memo.load(root);
  for (const i of inputs) assert.equal(first.digest(i), real(i));
  first.save();
  const again = Sha256Memo.load(root);
  for (const i of inputs) assert.equal(again.digest(i), real(i), `remembered: ${JSON.stringify(i)}`);
  assert.equal(again.digest('caf\u00e9'), again.digest(Buffer.from('caf\u00e9')));
  assert.notEqual(again.digest(Buffer.from([0xe9])), again.digest('\u00e9'), 'the byte 0xe9 is not the string "é"');
});

test('digests the memo holds are given without loading node:crypto', (t) => {
  const root = scratchRoot(t);
  const memo = Sha256Memo.load(root);
  memo.digest('step text');
  memo.digest(Buffer.from('file bytes'));
  memo.save();
  const module = new URL('../../../../src/engine/build/sha256-memo.js', import.meta.url).href;
  const script =
    `const { Sha256Memo } = await import(${JSON.stringify(module)}); const m = Sha256Memo.load(${JSON.stringify(root)});` +
    `const d = [m.digest('step text'), m.digest(Buffer.from('file bytes'))];` +
    `const loaded = () => process.moduleLoadList.includes('NativeModule crypto');` +
    `const before = loaded(); d.push(m.digest('new')); console.log(JSON.stringify({ d, before, after: loaded() }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { d: string[]; before: boolean; after: boolean };
  assert.deepEqual(out.d, [real('step text'), real(Buffer.from('file bytes')), real('new')]);
  assert.equal(out.before, false, 'remembered digests need no crypto');
  assert.equal(out.after, true, 'a new input is hashed for real');
});

test('a damaged or foreign memo file is an empty memo; inputs over 16 KiB are not kept; the file stays bounded', (t) => {
  const root = scratchRoot(t);
  mkdirSync(join(root, 'images', 'build-cache'), { recursive: true });
  for (const text of [
    '{not json',
    '{"a":"b"}',
    JSON.stringify([
      ['x', 'not a digest'],
      ['y', 'f'.repeat(64)],
    ]),
  ]) {
    writeFileSync(memoPath(root), text);
    const memo = Sha256Memo.load(root);
    assert.equal(memo.digest('x'), real('x'));
    assert.equal(memo.digest('a'), real('a'));
  }
  // an entry whose digest is well-formed is taken as written: the memo is the store's own file (0600, under 0700)
  writeFileSync(memoPath(root), JSON.stringify([]));
  const memo = Sha256Memo.load(root);
  const big = 'b'.repeat(17 << 10);
  assert.equal(memo.digest(big), real(big));
  for (let i = 0; i < 20_000; i++) memo.digest(`entry ${i} ${'p'.repeat(40)}`);
  memo.save();
  assert.ok(statSync(memoPath(root)).size <= (256 << 10) + 1024, 'bounded');
  const kept = JSON.parse(readFileSync(memoPath(root), 'utf8')) as [string, string][];
  assert.ok(!kept.some(([k]) => k === big), 'a large input is not kept');
  assert.equal(kept.at(-1)?.[0], `entry 19999 ${'p'.repeat(40)}`, 'the newest are kept');
  assert.ok(!kept.some(([k]) => k.startsWith('entry 0 ')), 'the oldest are dropped');
});

test("a COPY's key through the memo is the key without it, before and after a copied file changes", async (t) => {
  const dir = scratchRoot(t);
  mkdirSync(join(dir, 'ctx'));
  mkdirSync(join(dir, 'image'));
  writeFileSync(join(dir, 'ctx', 'small'), 'one');
  writeFileSync(join(dir, 'ctx', 'grows'), 'g'.repeat(10 << 10));
  const planOf = () => planCopyAll(join(dir, 'ctx'), join(dir, 'image'));
  const memo = Sha256Memo.load(dir);
  const before = await hashPlan(planOf());
  assert.equal(await hashPlan(planOf(), memo), before);
  memo.save();
  writeFileSync(join(dir, 'ctx', 'small'), 'two'); // same size
  const plan = planOf();
  writeFileSync(join(dir, 'ctx', 'grows'), 'g'.repeat(40 << 10)); // past the memo's 16 KiB after the plan's lstat
  const after = await hashPlan(plan);
  assert.notEqual(after, before);
  assert.equal(await hashPlan(plan, Sha256Memo.load(dir)), after);
});
