import assert from 'node:assert/strict';
import { test } from 'node:test';
import { regions } from '../../../src/tui/layout.js';
import { chartData, containerCpuChart, containerMemChart, niceTop } from '../../../src/tui/view/chart-data.js';

test('regions: charts scale with the height, the table takes the rest, nothing overlaps the status bar', () => {
  for (const [cols, rows] of [
    [80, 24],
    [120, 40],
    [150, 45],
    [200, 60],
  ]) {
    const r = regions(cols, rows);
    assert.equal(r.charts, true);
    assert.equal(r.hostCharts[0].width + r.hostCharts[1].width, cols, 'two host charts fill the width');
    assert.equal(r.tableHeader.top, r.hostCharts[0].top + r.hostCharts[0].height);
    assert.equal(r.list.top + r.list.height, rows - 1, 'the list ends above the status bar');
    assert.ok(r.list.height >= 10, `${cols}x${rows}: room for at least 10 rows (${r.list.height})`);
    assert.equal(r.detailText.top + r.detailText.height, rows - 1);
  }
  assert.ok(regions(200, 60).hostCharts[0].height > regions(80, 24).hostCharts[0].height, 'bigger terminal, bigger charts');
  assert.equal(regions(200, 60).detailCharts[2].height, regions(200, 60).detailCharts[0].height, 'four detail charts at 200x60');
  assert.equal(regions(120, 40).detailCharts[2].height, 0, 'two at 120x40, the text keeps its room');
  const tiny = regions(80, 15);
  assert.equal(tiny.charts, false, 'too short: sparklines in the header instead');
  assert.equal(tiny.tableHeader.top, 5);
});

test('chart data: lines padded to one length, x labels back from now, scales that read well', () => {
  const [line] = chartData({ label: '', lines: [{ title: 'cpu', values: [5, 10], colour: 'green' }], minY: 0, maxY: 100 }, 1);
  assert.deepEqual(line.y, [5, 10]);
  assert.deepEqual(line.x, ['-1s', 'now']);
  const [a, b] = chartData(
    {
      label: '',
      lines: [
        { title: 'a', values: [1, 2, 3], colour: 'x' },
        { title: 'b', values: [7], colour: 'y' },
      ],
      minY: 0,
      maxY: 9,
    },
    2,
  );
  assert.deepEqual(a.x, ['-4s', '-2s', 'now']);
  assert.deepEqual(b.y, [7, 7, 7], 'a shorter history is padded with its first value');
  assert.deepEqual(
    chartData({ label: '', lines: [{ title: 'a', values: [], colour: 'x' }], minY: 0, maxY: 1 }, 1)[0].y,
    [0, 0],
    'at least two points',
  );
  assert.equal(niceTop([0.3], 1), 1);
  assert.equal(niceTop([130], 100), 200);
  assert.equal(niceTop([420], 1), 500);
  assert.equal(containerCpuChart([10, 40], 0.5).maxY, 50, 'the quota is the top');
  assert.equal(containerCpuChart([10, 180], undefined).maxY, 200);
  assert.equal(containerMemChart([32 << 20], 64 << 20).maxY, 64, 'MiB against the limit');
  assert.match(containerMemChart([32 << 20], 64 << 20).label, /memory MiB 32\.0 of 64 limit/);
});
