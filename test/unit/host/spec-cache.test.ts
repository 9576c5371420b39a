// The limit files' cache (src/host/cgroupfs/spec-cache.ts): a read within the TTL is the cached text; a read-ahead
// (prefetch) reads again just the entries that will have expired by the time given, so the next read finds the
// file's new text without a read of its own; it stops at its deadline, skips what no scan asked for lately, and
// those entries are pruned.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { SpecCache } from '../../../src/host/cgroupfs/spec-cache.js';

function files(t: TestContext, n: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-spec-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return Array.from({ length: n }, (_, i) => {
    const p = join(dir, `f${i}`);
    writeFileSync(p, 'old\n');
    return p;
  });
}

/** Date.now() moved by `ms` for the duration of `fn`. */
function at<T>(t: TestContext, ms: number, fn: () => T): T {
  const real = Date.now();
  t.mock.method(Date, 'now', () => real + ms);
  try {
    return fn();
  } finally {
    t.mock.restoreAll();
  }
}

test('a read-ahead reads again what will have expired by then, and the next read is its text', (t) => {
  const [a] = files(t, 1);
  const cache = new SpecCache(1000);
  assert.equal(cache.read(a), 'old\n');
  writeFileSync(a, 'new\n');
  assert.equal(cache.read(a), 'old\n', 'within the TTL: cached');
  // due within a TTL of now: read ahead
  assert.equal(cache.prefetch(Date.now() + 1000, Number.POSITIVE_INFINITY), false, 'nothing left');
  writeFileSync(a, 'newer\n'); // not read again: the read-ahead's text is fresh
  assert.equal(cache.read(a), 'new\n');
  assert.equal(
    at(t, 1100, () => cache.read(a)),
    'newer\n',
    'its TTL counts from the read-ahead: trusted no longer than a TTL',
  );
});

test('not yet due by the time given: left alone', (t) => {
  const [a] = files(t, 1);
  const cache = new SpecCache(60_000);
  cache.read(a);
  writeFileSync(a, 'new\n');
  cache.prefetch(Date.now(), Number.POSITIVE_INFINITY);
  assert.equal(cache.read(a), 'old\n');
});

test('a read-ahead stops at its deadline and says some are left; the rest on the next call', (t) => {
  const paths = files(t, 100);
  const cache = new SpecCache(1000);
  for (const p of paths) cache.read(p);
  for (const p of paths) writeFileSync(p, 'new\n');
  assert.equal(cache.prefetch(Date.now() + 5000, 0), true, 'a past deadline: a batch, then it stops');
  const fresh = paths.filter((p) => cache.read(p) === 'new\n').length;
  assert.ok(fresh > 0 && fresh < 100, `${fresh} read ahead`);
  assert.equal(cache.prefetch(Date.now() + 5000, Number.POSITIVE_INFINITY), false);
  assert.equal(paths.filter((p) => cache.read(p) === 'new\n').length, 100);
});

test('entries no scan asked for lately are not read ahead, and prune drops them', (t) => {
  const [a, b] = files(t, 2);
  const cache = new SpecCache(1000);
  cache.read(a);
  cache.read(b);
  writeFileSync(a, 'new\n');
  writeFileSync(b, 'new\n');
  at(t, 1500, () => cache.read(b)); // b is still asked for; a not since
  at(t, 2500, () => cache.prefetch(Date.now() + 1000, Number.POSITIVE_INFINITY));
  writeFileSync(a, 'newer\n');
  writeFileSync(b, 'newer\n');
  // a was asked for 2.5 s ago (over twice the TTL): not read ahead, and pruned; b was read ahead at 2.5 s
  at(t, 2600, () => cache.prune());
  assert.equal(
    at(t, 2600, () => cache.read(b)),
    'new\n',
  );
  assert.equal(
    at(t, 2600, () => cache.read(a)),
    'newer\n',
    'pruned: read anew',
  );
});
