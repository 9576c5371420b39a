import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readBytes, readText } from '../../../src/host/read.js';

test('small-file reads: whole past the 64 KiB shared buffer, multi-byte text across its edges, bounded bytes, null when absent', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-read-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const big = `${'é'.repeat(100_000)}x`; // 200,001 bytes: chars split across every 64 KiB boundary
  writeFileSync(join(dir, 'big'), big);
  writeFileSync(join(dir, 'small'), 'Name:\tsh\n');
  assert.equal(readText(join(dir, 'big')), big);
  assert.equal(readText(join(dir, 'small')), 'Name:\tsh\n');
  assert.equal(readBytes(join(dir, 'big'), 70_000)?.length, 70_000);
  assert.deepEqual(readBytes(join(dir, 'big'), 70_000), Buffer.from(big).subarray(0, 70_000));
  // results never alias the shared buffer: a later read does not change an earlier one
  const first = readBytes(join(dir, 'small'))!;
  readBytes(join(dir, 'big'));
  assert.equal(first.toString(), 'Name:\tsh\n');
  assert.equal(readText(join(dir, 'absent')), null);
  assert.equal(readText('/proc/self/status')?.startsWith('Name:'), true);
});
