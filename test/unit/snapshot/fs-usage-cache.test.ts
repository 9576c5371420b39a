// The background walker of writable layers on real directories: a first figure soon after a layer is tracked,
// the next only after the refresh interval, slices bounded, forgotten layers dropped.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { FsUsageCache } from '../../../src/snapshot/rootfs/fs-usage-cache.js';

async function until<T>(what: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = what();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}

test('a tracked layer is measured in the background, re-measured only after the refresh interval', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-fsu-'));
  const cache = new FsUsageCache({ refreshMs: 400, entriesPerSlice: 50, pauseMs: 1 });
  t.after(() => {
    cache.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (let i = 0; i < 200; i++) writeFileSync(join(dir, `f${i}`), '');
  cache.track('c1', dir, '/dev/test');
  assert.equal(cache.get('c1'), undefined); // never measured: no figure, the caller is not kept waiting
  const first = await until(() => cache.get('c1'));
  assert.equal(first.inodesUsed, 201);
  assert.equal(first.device, '/dev/test');
  assert.ok(first.limitBytes! > 0 && first.inodesTotal! > 0 && first.inodesFree! > 0);
  // 200 entries in slices of at most 50: at least 4 slices
  assert.equal(cache.cost.entries, 200);
  writeFileSync(join(dir, 'big'), Buffer.alloc(1 << 20, 1));
  await sleep(100);
  assert.equal(cache.get('c1')!.usageBytes, first.usageBytes, 'not walked again before the interval');
  const second = await until(() => (cache.get('c1')!.measuredAt > first.measuredAt ? cache.get('c1') : undefined));
  assert.ok(second.usageBytes - first.usageBytes >= 1 << 20, `${second.usageBytes - first.usageBytes}`);
  cache.retain(new Set());
  assert.equal(cache.get('c1'), undefined);
});

test('a layer that does not exist yields no figure and no crash', async (t) => {
  const cache = new FsUsageCache({ refreshMs: 50, pauseMs: 1 });
  t.after(() => cache.close());
  cache.track('gone', '/nonexistent/tctop-test/upper', '');
  await sleep(200);
  assert.equal(cache.get('gone'), undefined);
  assert.ok(cache.cost.walks >= 1);
});

test('get hands out one object while neither the walk nor the filesystem figures changed, a new one after', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-fsu-'));
  let now = 1_000_000;
  const cache = new FsUsageCache({ refreshMs: 60_000, statfsTtlMs: 10_000, pauseMs: 1 }, () => now);
  t.after(() => {
    cache.close();
    rmSync(dir, { recursive: true, force: true });
  });
  cache.track('c1', dir, '/dev/test');
  const first = await until(() => cache.get('c1'));
  now += 5_000;
  assert.equal(cache.get('c1'), first, 'a scan within the statfs TTL gets the same object (no copy per scan)');
  now += 6_000;
  const refreshed = cache.get('c1')!;
  assert.notEqual(refreshed, first, 'the filesystem figures were read again: a new object');
  assert.equal(refreshed.measuredAt, first.measuredAt);
  assert.equal(cache.get('c1'), refreshed);
});
