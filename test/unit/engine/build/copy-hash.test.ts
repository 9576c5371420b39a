// A COPY's cache key (hashPlan, src/engine/build/copy-layer.ts) follows every byte of the copied files, never their
// times: a small file is read in pieces of one shared buffer, to its end, whatever its size became after the plan.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { hashPlan } from '../../../../src/engine/build/copy-layer.js';
import { planCopyAll } from '../../../helpers/copy-plan.js';

function contextWith(t: TestContext, files: Record<string, Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-copy-hash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'image'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return realpathSync(dir);
}

const planOf = (dir: string) => planCopyAll(dir, join(dir, 'image'));

const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

test('a byte changed past the first 64 KB of a file, its size and times kept, changes the key; nothing else does', async (t) => {
  const dir = contextWith(t, { small: Buffer.from('x'), mid: bytes(200_000, 1), big: bytes(1_500_000, 2) });
  const first = await hashPlan(planOf(dir));
  assert.equal(await hashPlan(planOf(dir)), first, 'the same files, the same key');
  const at = statSync(join(dir, 'mid'));
  utimesSync(join(dir, 'mid'), new Date(), new Date());
  assert.equal(await hashPlan(planOf(dir)), first, 'times are not part of the key');
  const changed = bytes(200_000, 1);
  changed[150_000] ^= 1;
  writeFileSync(join(dir, 'mid'), changed);
  utimesSync(join(dir, 'mid'), at.atime, at.mtime);
  const afterMid = await hashPlan(planOf(dir));
  assert.notEqual(afterMid, first);
  const big = bytes(1_500_000, 2);
  big[1_400_000] ^= 1; // a streamed file (over 1 MiB) too
  writeFileSync(join(dir, 'big'), big);
  assert.notEqual(await hashPlan(planOf(dir)), afterMid);
});

test('a file grown after the plan was made is hashed to its new end', async (t) => {
  const dir = contextWith(t, { grows: bytes(70_000, 3) });
  const before = await hashPlan(planOf(dir));
  const plan = planOf(dir);
  appendFileSync(join(dir, 'grows'), bytes(100_000, 4));
  assert.notEqual(await hashPlan(plan), before);
  assert.equal(await hashPlan(plan), await hashPlan(planOf(dir)), 'the same bytes as a plan made after the growth');
});
