// The table's window of rows on screen (view/row-window.ts) and the history's bounded series: the list widget gets
// the rows on screen alone, and moves as a scrolled list would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { History } from '../../../src/tui/history.js';
import { windowStart } from '../../../src/tui/view/row-window.js';

test('the window stays put while the selection is in it, and moves only as far as shows it', () => {
  assert.equal(windowStart(0, 0, 10, 1000), 0);
  assert.equal(windowStart(0, 9, 10, 1000), 0, 'the last row on screen');
  assert.equal(windowStart(0, 10, 10, 1000), 1, 'one row down scrolls by one');
  assert.equal(windowStart(1, 35, 10, 1000), 26, 'a page down: the selection on the bottom row');
  assert.equal(windowStart(26, 30, 10, 1000), 26, 'moving up inside the window keeps it');
  assert.equal(windowStart(26, 20, 10, 1000), 20, 'above it: the selection on the top row');
  assert.equal(windowStart(990, 999, 10, 1000), 990);
  assert.equal(windowStart(995, 3, 10, 5), 0, 'fewer rows than fit: from the first (the table shrank under the window)');
  assert.equal(windowStart(600, 600, 10, 605), 595, 'no empty rows below the last while rows above are hidden');
  assert.equal(windowStart(0, 0, 0, 3), 0, 'a zero-height list shows one row');
});

test('history: each series its last `length` values through many pushes (trimmed in batches, read whole)', () => {
  const h = new History(4);
  for (let i = 1; i <= 20; i++) {
    h.push('a', i);
    const want = Array.from({ length: Math.min(i, 4) }, (_, k) => i - Math.min(i, 4) + 1 + k);
    assert.deepEqual(h.get('a'), want, `after ${i}`);
  }
});
