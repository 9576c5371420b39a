import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatDuration, renderTable, shortId } from '../../../src/text/format.js';

test('bytes, durations and IDs in human units', () => {
  assert.equal(formatBytes(512), '512B');
  assert.equal(formatBytes(1536), '1.5KiB');
  assert.equal(formatBytes(64 * 1024 * 1024), '64MiB');
  assert.equal(formatBytes(undefined), '-');
  assert.equal(formatDuration(59), '59s');
  assert.equal(formatDuration(3600 * 5), '5h');
  assert.equal(formatDuration(-1), '-');
  assert.equal(shortId('a'.repeat(64)), 'aaaaaaaaaaaa');
  assert.equal(shortId('my-lxc'), 'my-lxc');
});

test('tables pad every column but the last', () => {
  assert.equal(
    renderTable(
      ['A', 'BB'],
      [
        ['xyz', '1'],
        ['q', '22'],
      ],
    ),
    'A    BB\nxyz  1\nq    22\n',
  );
});
