// When a scanner reads limit files ahead between scans (src/snapshot/spec-prefetch.ts): halfway to the next scan,
// or half a TTL before it when scans come further apart, so what it reads is fresh at that scan; what is due by
// then plus a margin; in slices, until nothing is left.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_GAP_MS, SpecPrefetch, specPrefetchPlan } from '../../../src/snapshot/spec-prefetch.js';

test('the plan: halfway to the next scan at short gaps, half a TTL before it at long ones, none at the first scan', () => {
  const ttlMs = 5000;
  assert.equal(specPrefetchPlan({ scanAt: 10_000, previousScanAt: undefined, now: 10_050, ttlMs }), undefined);
  assert.equal(specPrefetchPlan({ scanAt: 10_000, previousScanAt: 10_000, now: 10_050, ttlMs }), undefined);
  // scrapes back to back: none (MIN_GAP_MS)
  assert.equal(specPrefetchPlan({ scanAt: 10_000, previousScanAt: 9970, now: 10_020, ttlMs }), undefined);
  assert.ok(specPrefetchPlan({ scanAt: 10_000, previousScanAt: 10_000 - MIN_GAP_MS, now: 10_020, ttlMs }));
  // a scrape a second: start 0.5 s after this scan began, read what is due by the next one plus 250 ms
  assert.deepEqual(specPrefetchPlan({ scanAt: 10_000, previousScanAt: 9000, now: 10_100, ttlMs }), { delayMs: 400, by: 11_250 });
  // a scrape every 15 s: start 2.5 s before the next, read what is due by it plus 1.25 s (still fresh then)
  const slow = specPrefetchPlan({ scanAt: 30_000, previousScanAt: 15_000, now: 30_200, ttlMs })!;
  assert.deepEqual(slow, { delayMs: 42_500 - 30_200, by: 46_250 });
  const readAt = 30_200 + slow.delayMs;
  assert.ok(readAt + ttlMs > slow.by, 'what it reads is still trusted when the next scan (or a late one) comes');
  // late already: start now
  assert.equal(specPrefetchPlan({ scanAt: 10_000, previousScanAt: 9000, now: 10_900, ttlMs })?.delayMs, 0);
});

test('the runner: slices until nothing is left, each with a deadline; a new plan replaces the old', async () => {
  const calls: Array<{ by: number; slice: number }> = [];
  let left = 3;
  const runner = new SpecPrefetch((by, deadline) => {
    calls.push({ by, slice: deadline - performance.now() });
    return --left > 0;
  }, 4);
  runner.schedule({ delayMs: 60_000, by: 1 }); // replaced before it runs
  runner.schedule({ delayMs: 5, by: 2 });
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(
    calls.map((c) => c.by),
    [2, 2, 2],
  );
  assert.ok(calls.every((c) => c.slice > 0 && c.slice <= 4));
  runner.schedule({ delayMs: 5, by: 3 });
  runner.cancel();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(calls.length, 3, 'cancelled');
});
