import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerRows, filterRows, nextSortKey, sortRows, SORT_KEYS, type SortKey } from '../../../src/tui/view/container-rows.js';
import { advanced, container, snapshot } from './fixtures.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

test('rates come from two snapshots: CPU% of one core, network and IO per second', () => {
  const a = container(A);
  const prev = snapshot([a], [], 1_700_000_000_000, 1000);
  const cur = snapshot([advanced(a, 0.5, 2000, 4000)], [], 1_700_000_002_000, 1002);
  const [row] = containerRows(cur, prev);
  assert.equal(row.cpuPercent, 25);
  assert.equal(row.netRxPerSec, 1000);
  assert.equal(row.netTxPerSec, 500);
  assert.equal(row.ioPerSec, 2000);
  assert.equal(row.memBytes, 10 << 20);
  assert.equal(row.memLimitBytes, 100 << 20);
  assert.equal(row.uptimeSeconds, 3602);
});

test('without a previous snapshot (or for a new container) rates are unknown, not zero', () => {
  const cur = snapshot([container(A)]);
  assert.equal(containerRows(cur, undefined)[0].cpuPercent, undefined);
  const prev = snapshot([], [], 1_700_000_000_000, 999);
  assert.equal(containerRows(cur, prev)[0].cpuPercent, undefined);
  assert.equal(containerRows(cur, prev)[0].netRxPerSec, undefined);
});

test('pressure: memory near its limit is high, three quarters is a warning', () => {
  const near = container(A, { cgroup: { version: 1, path: '/x', memory: { usageBytes: 95, workingSetBytes: 95, limitBytes: 100 } } });
  const warn = container(B, { cgroup: { version: 1, path: '/y', memory: { usageBytes: 80, workingSetBytes: 80, limitBytes: 100 } } });
  const rows = containerRows(snapshot([near, warn]), undefined);
  assert.deepEqual(
    rows.map((r) => r.pressure),
    ['high', 'warn'],
  );
  assert.equal(containerRows(snapshot([container(A)]), undefined)[0].pressure, 'ok');
});

test('filter matches name, ID, image or runtime, ignoring case', () => {
  const rows = containerRows(
    snapshot([container(A, { name: 'Web' }), container(B, { name: 'db', image: 'postgres:16', runtime: 'lxc' })]),
    undefined,
  );
  assert.deepEqual(
    filterRows(rows, 'web').map((r) => r.name),
    ['Web'],
  );
  assert.deepEqual(
    filterRows(rows, 'bbbb').map((r) => r.name),
    ['db'],
  );
  assert.deepEqual(
    filterRows(rows, 'POSTGRES').map((r) => r.name),
    ['db'],
  );
  assert.deepEqual(
    filterRows(rows, 'lxc').map((r) => r.name),
    ['db'],
  );
  assert.equal(filterRows(rows, '').length, 2);
  assert.equal(filterRows(rows, 'nothing').length, 0);
});

test('sort: numbers biggest first, text A to Z, reverse flips, ties by name', () => {
  const rows = containerRows(
    snapshot([container(A, { name: 'zeta', pids: [1, 2, 3] }), container(B, { name: 'alpha', pids: [1] })]),
    undefined,
  );
  assert.deepEqual(
    sortRows(rows, 'pids', false).map((r) => r.name),
    ['zeta', 'alpha'],
  );
  assert.deepEqual(
    sortRows(rows, 'pids', true).map((r) => r.name),
    ['alpha', 'zeta'],
  );
  assert.deepEqual(
    sortRows(rows, 'name', false).map((r) => r.name),
    ['alpha', 'zeta'],
  );
  assert.deepEqual(
    sortRows(rows, 'name', true).map((r) => r.name),
    ['zeta', 'alpha'],
  );
  assert.deepEqual(
    sortRows(rows, 'cpu', false).map((r) => r.name),
    ['alpha', 'zeta'],
  );
});

test('s cycles through every sort key and wraps', () => {
  let k: SortKey = SORT_KEYS[0];
  const seen = new Set<string>();
  for (let i = 0; i < SORT_KEYS.length; i++) {
    seen.add(k);
    k = nextSortKey(k);
  }
  assert.equal(seen.size, SORT_KEYS.length);
  assert.equal(k, SORT_KEYS[0]);
});
