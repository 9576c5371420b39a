import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readBytes, readRecordBytes, readRecordText, readText } from '../../../src/host/read.js';

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

test('one-record reads: kernel files generated as one record come whole from one read; large files still loop', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-read-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const big = 'x'.repeat(200_000); // fills the buffer: a full read is never taken for the end
  writeFileSync(join(dir, 'big'), big);
  assert.equal(readRecordText(join(dir, 'big')), big);
  assert.deepEqual(readRecordBytes(join(dir, 'big'), 70_000), Buffer.from(big).subarray(0, 70_000));
  assert.equal(readRecordText(join(dir, 'absent')), null);
  // the same text as a read to the end, for the files the scanner reads this way (stable ones compared whole)
  for (const f of ['/proc/self/cgroup', '/proc/sys/kernel/osrelease', '/proc/sys/kernel/hostname'])
    assert.equal(readRecordText(f), readFileSync(f, 'utf8'), f);
  for (const f of ['/proc/self/status', '/proc/self/stat', '/proc/meminfo', '/proc/stat', '/proc/loadavg']) {
    const text = readRecordText(f)!;
    assert.ok(text.endsWith('\n'), `${f} ends with its last line`);
    assert.equal(text.split('\n').length, readFileSync(f, 'utf8').split('\n').length, `${f}: every line`);
  }
});
