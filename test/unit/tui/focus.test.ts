// The containers the dashboard names to the scanner as shown (src/tui/view/focus.ts): the rows on screen, and the
// selected one wherever it is (the detail view's, or one scrolled off by the mouse wheel).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerRow } from '../../../src/tui/view/container-rows.js';
import { shownIds } from '../../../src/tui/view/focus.js';

const rows = Array.from({ length: 100 }, (_, i) => ({ id: `c${i}` }) as ContainerRow);

test('the rows on screen and the selected one are shown; the rows above and below are not', () => {
  assert.deepEqual([...shownIds(rows, 10, 3, 'c50')], ['c10', 'c11', 'c12', 'c50']);
  assert.deepEqual([...shownIds(rows, 98, 5, undefined)], ['c98', 'c99']);
  assert.deepEqual([...shownIds([], 0, 40, undefined)], []);
});
