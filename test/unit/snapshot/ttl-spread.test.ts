// Cache entries read together expire apart: a thousand claims first read in one scan are read again spread over
// the later scans, never all in one, and none is trusted past the TTL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spreadTtl } from '../../../src/host/ttl-spread.js';
import type { ProcessInfo } from '../../../src/host/records.js';
import { ClaimCache } from '../../../src/snapshot/claim-cache.js';

test('a first lifetime is within (0, ttl], the same for a key every time, and differs between keys', () => {
  const lives = Array.from({ length: 1000 }, (_, i) => spreadTtl(`/docker/${i.toString(16).padStart(64, '0')}`, 5000));
  for (const l of lives) assert.ok(l > 0 && l <= 5000, String(l));
  assert.equal(spreadTtl('/docker/x', 5000), spreadTtl('/docker/x', 5000));
  assert.equal(new Set(lives.map((l) => Math.floor(l / 500))).size, 10, 'spread over the whole range');
  assert.equal(spreadTtl('k', 0), 0);
});

test('claims read in one scan are read again over several scans, each at most one TTL after its last read', () => {
  const cache = new ClaimCache(5000);
  const init = { hostPid: 1, startTicks: 1 } as ProcessInfo;
  const keys = Array.from({ length: 1000 }, (_, i) => `/tctop/c${i}`);
  const lastRead = new Map<string, number>();
  const readsPerScan: number[] = [];
  for (let now = 0; now <= 30_000; now += 1000) {
    let reads = 0;
    for (const k of keys) {
      cache.get(
        k,
        init,
        () => {
          reads++;
          if (lastRead.has(k)) assert.ok(now - lastRead.get(k)! <= 5000, `${k} trusted past the TTL`);
          lastRead.set(k, now);
          return null;
        },
        now,
      );
    }
    readsPerScan.push(reads);
  }
  assert.equal(readsPerScan[0], 1000);
  const later = readsPerScan.slice(1);
  assert.ok(Math.max(...later) < 300, `no later scan reads many more than a fifth of the claims: ${later.join(' ')}`);
  assert.ok(later.reduce((a, b) => a + b, 0) >= (keys.length * 24) / 5, 'each claim is still read at least every TTL');
});
