import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CELL_GAP, fitColumns, headerCells, rowCells } from '../../../src/tui/view/columns.js';
import { containerRows } from '../../../src/tui/view/container-rows.js';
import { displayWidth, escapeTags, fitCell } from '../../../src/tui/view/text-cells.js';
import { sparkline } from '../../../src/tui/view/sparkline.js';
import { container, snapshot } from './fixtures.js';

const lineWidth = (cells: string[]) => displayWidth(cells.join(CELL_GAP));

test('at 80 columns the essential columns fit and the line is never wider than the terminal', () => {
  for (const width of [60, 78, 80, 100, 120, 200]) {
    const fitted = fitColumns(width);
    const headers = fitted.map((f) => f.column.header);
    for (const must of ['NAME', 'STATE', 'CPU%', 'MEM / LIMIT', 'PIDS']) assert.ok(headers.includes(must), `${must} at ${width}`);
    assert.ok(lineWidth(headerCells(fitted, 'cpu', false)) <= width, `header fits ${width}`);
  }
  assert.equal(fitColumns(120).length, 11, 'every column at 120');
  assert.ok(fitColumns(80).some((f) => f.column.header === 'ID'));
});

test('host text in cells is escaped, cut by display width and padded', () => {
  const evil = container('c'.repeat(64), { name: 'x\u001b]2;PWNED\u0007y', image: '漢字漢字漢字漢字漢字漢字漢字' });
  const [row] = containerRows(snapshot([evil]), undefined);
  const fitted = fitColumns(120);
  const cells = rowCells(row, fitted);
  const joined = cells.join(CELL_GAP);
  assert.ok(!/[\u0000-\u001f\u007f]/.test(joined), 'no control characters survive');
  assert.ok(joined.includes('x\\e]2;PWNED\\x07y') || joined.includes('x\\e]2;PWNE'), joined);
  assert.equal(lineWidth(cells), fitted.reduce((a, f) => a + f.width, 0) + fitted.length - 1);
});

test('fitCell: wide characters count two columns; the cut is marked', () => {
  assert.equal(fitCell('abc', 5), 'abc  ');
  assert.equal(fitCell('abc', 5, 'right'), '  abc');
  assert.equal(fitCell('abcdef', 4), 'abc…');
  assert.equal(displayWidth(fitCell('漢字漢字', 5)), 5);
  assert.equal(fitCell('漢字漢字', 5).startsWith('漢字'), true);
  assert.equal(fitCell('\u0007', 4), '\\x07');
});

test('blessed tags in host text are escaped', () => {
  assert.equal(escapeTags('{red-fg}x{/red-fg}'), '{open}red-fg{close}x{open}/red-fg{close}');
});

test('sparkline: newest on the right, fixed scale, padded to width', () => {
  assert.equal(sparkline([0, 50, 100], 5, 100), '  ▁▅█');
  assert.equal(sparkline([1, 2, 3, 4, 5, 6], 3, 6), '▆▇█');
  assert.equal(sparkline([], 3), '   ');
});
