import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareText, sortByText } from '../../../src/text/compare.js';

test('identifiers sort case-insensitively, ties broken by code unit, whatever the locale', () => {
  assert.deepEqual(['web/POD', 'web/etcd', 'Alpha', 'alpha', 'beta'].sort(compareText), ['Alpha', 'alpha', 'beta', 'web/etcd', 'web/POD']);
  assert.equal(compareText('same', 'same'), 0);
  assert.ok(compareText('docker', 'tctop') < 0 && compareText('tctop', 'docker') > 0);
});

test('sortByText orders as compareText key after key, whatever the case', () => {
  const rows = [
    ['tctop', 'web', 'b'],
    ['docker', 'Web', 'a'],
    ['Docker', 'web', 'c'],
    ['docker', 'web', 'b'],
    ['docker', 'web', 'a'],
    ['tctop', 'api', 'z'],
  ].map(([runtime, name, id]) => ({ runtime, name, id }));
  const byCompare = [...rows].sort((a, b) => compareText(a.runtime, b.runtime) || compareText(a.name, b.name) || compareText(a.id, b.id));
  const sorted = sortByText(
    [...rows],
    (r) => r.runtime,
    (r) => r.name,
    (r) => r.id,
  );
  assert.deepEqual(sorted, byCompare);
  assert.deepEqual(
    sorted.map((r) => `${r.runtime}/${r.name}/${r.id}`),
    ['Docker/web/c', 'docker/Web/a', 'docker/web/a', 'docker/web/b', 'tctop/api/z', 'tctop/web/b'],
  );
});
