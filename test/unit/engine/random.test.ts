import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes, randomInt } from '../../../src/engine/random.js';

test('randomBytes: the length asked for, and never the same twice', () => {
  assert.equal(randomBytes(0).length, 0);
  const ids = new Set(Array.from({ length: 200 }, () => randomBytes(32).toString('hex')));
  assert.equal(ids.size, 200);
  for (const id of ids) assert.match(id, /^[0-9a-f]{64}$/);
  assert.equal(randomBytes(100_000).length, 100_000);
});

test('randomInt: every value of the range, none outside it; a bad range is refused', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = randomInt(7);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 7, String(v));
    seen.add(v);
  }
  assert.equal(seen.size, 7);
  assert.equal(randomInt(1), 0);
  assert.ok(randomInt(2 ** 32) < 2 ** 32);
  for (const bad of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) assert.throws(() => randomInt(bad), RangeError);
});
