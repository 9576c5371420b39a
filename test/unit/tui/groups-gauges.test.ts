import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerRows } from '../../../src/tui/view/container-rows.js';
import { gaugeBar, withGauges } from '../../../src/tui/view/gauges.js';
import { groupOf, groupRows } from '../../../src/tui/view/groups.js';
import { COLUMNS, fitColumns, rowCells } from '../../../src/tui/view/columns.js';
import { advanced, container, snapshot } from './fixtures.js';

const compose = (id: string, project: string, service: string) =>
  container(id.repeat(64), { name: `${project}-${service}-1`, labels: { 'com.docker.compose.project': project } });

test('groups: Compose project, Kubernetes pod, podman pod (from its cgroup)', () => {
  assert.deepEqual(groupOf(compose('a', 'shop', 'web')), { kind: 'compose', name: 'shop' });
  const pod = container('b'.repeat(64), { labels: { 'io.kubernetes.pod.name': 'api-7d', 'io.kubernetes.pod.namespace': 'prod' } });
  assert.deepEqual(groupOf(pod), { kind: 'pod', name: 'prod/api-7d' });
  const base = container('c'.repeat(64));
  const podman = {
    ...base,
    runtime: 'podman' as const,
    cgroup: { ...base.cgroup!, path: `/machine.slice/machine-libpod_pod_${'f'.repeat(64)}.slice/libpod-${'c'.repeat(64)}.scope` },
  };
  assert.deepEqual(groupOf(podman), { kind: 'podman pod', name: 'f'.repeat(12) });
  assert.equal(groupOf(container('d'.repeat(64))), undefined);
});

test('groups: members fold under one row with CPU, memory and PIDs summed; Enter unfolds', () => {
  const a = compose('a', 'shop', 'web');
  const b = { ...compose('b', 'shop', 'db'), pids: [1, 2, 3] };
  const lone = container('e'.repeat(64), { name: 'lone' });
  const prev = snapshot([a, b, lone], [], 1_700_000_000_000, 1000);
  const cur = snapshot([advanced(a, 1, 0, 0), advanced(b, 0.5, 0, 0), lone], [], 1_700_000_001_000, 1001);
  const rows = containerRows(cur, prev);
  const folded = groupRows(rows, new Set(), 'cpu', false);
  assert.deepEqual(
    folded.map((r) => r.name),
    ['▶ shop', 'lone'],
  );
  const g = folded[0];
  assert.equal(Math.round(g.cpuPercent!), 150);
  assert.equal(g.memBytes, 20 << 20);
  assert.equal(g.memLimitBytes, 200 << 20);
  assert.equal(g.pids, 4);
  assert.equal(g.image, 'compose, 2 containers');
  const open = groupRows(rows, new Set([g.id]), 'cpu', false);
  assert.deepEqual(
    open.map((r) => r.name),
    ['▼ shop', `├ shop-web-1`, `└ shop-db-1`, 'lone'],
  );
  const fitted = fitColumns(200, COLUMNS);
  assert.equal(rowCells(g, fitted)[1].trim(), '', 'a group row has no ID');
});

test('gauges: eighths of a cell, "-" without a limit; shown only where every column still fits', () => {
  assert.equal(gaugeBar(0, 5), '░░░░░');
  assert.equal(gaugeBar(1, 5), '█████');
  assert.equal(gaugeBar(0.5, 5), '██▌░░');
  assert.equal(gaugeBar(2, 5), '█████');
  assert.equal(gaugeBar(undefined, 5), '-');
  const headers = (w: number) => withGauges(COLUMNS, w).map((c) => c.header);
  assert.deepEqual(headers(140).slice(5, 9), ['CPU%', 'CPU/Q', 'MEM / LIMIT', 'MEM/L']);
  assert.ok(!headers(120).includes('CPU/Q'), 'at 120 the names keep their room');
  assert.equal(fitColumns(140, withGauges(COLUMNS, 140)).length, 13, 'all columns and both gauges at 140');
  assert.ok(fitColumns(140, withGauges(COLUMNS, 140))[0].width >= 20, 'NAME whole');
  assert.ok(!headers(80).includes('CPU/Q'), 'at 80 the columns keep the room');
  const c = container('a'.repeat(64), {
    cgroup: {
      version: 2,
      path: '/x',
      cpu: { usageSeconds: 0, quotaMicros: 50_000, periodMicros: 100_000 },
      memory: { usageBytes: 75 << 20, workingSetBytes: 0, limitBytes: 100 << 20 },
    },
  });
  const later = { ...c, cgroup: { ...c.cgroup!, cpu: { ...c.cgroup!.cpu!, usageSeconds: 0.25 } } };
  const rows = containerRows(snapshot([later]), snapshot([c], [], 1_700_000_000_000 - 1000, 999));
  const fitted = fitColumns(140, withGauges(COLUMNS, 140));
  const cells = rowCells(rows[0], fitted);
  assert.equal(cells[fitted.findIndex((f) => f.column.header === 'CPU/Q')], '██▌░░', 'a quarter core of a half-core quota');
  assert.equal(cells[fitted.findIndex((f) => f.column.header === 'MEM/L')], '███▊░', '75 MiB of 100 MiB');
});
