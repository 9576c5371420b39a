import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesSize, humanSize } from '../../../src/report/docker-units.js';

test('bytesSize prints as go-units BytesSize (binary, 4 significant digits)', () => {
  assert.equal(bytesSize(0), '0B');
  assert.equal(bytesSize(1023), '1023B');
  assert.equal(bytesSize(1024), '1KiB');
  assert.equal(bytesSize(327680), '320KiB');
  assert.equal(bytesSize(20.5 * 1024 * 1024), '20.5MiB');
  assert.equal(bytesSize(64 * 1024 * 1024), '64MiB');
  assert.equal(bytesSize(25275465728), '23.54GiB');
  assert.equal(bytesSize(1024 * 1023.99), '1024KiB', 'rounding at 4 digits stays in the unit, as Go');
});

test('humanSize prints as go-units HumanSizeWithPrecision (decimal)', () => {
  assert.equal(humanSize(0, 3), '0B');
  assert.equal(humanSize(648, 3), '648B');
  assert.equal(humanSize(1200, 3), '1.2kB');
  assert.equal(humanSize(1234567, 3), '1.23MB');
  assert.equal(humanSize(999999, 3), '1e+03kB', "Go's %.3g of 999.999 is 1e+03");
});
