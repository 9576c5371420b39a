import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import { parseFilters } from '../../../src/cli/commands/ps.js';

const rows = [
  { id: 'aaa', name: 'web-1', image: 'nginx:1', state: 'running', runtime: 'docker' },
  { id: 'bbb', name: 'db', image: 'postgres', state: 'exited', runtime: 'docker' },
  { id: 'ccc', name: 'web-2', image: 'nginx:2', state: 'running', runtime: 'lxc' },
];
const apply = (opts: Parameters<typeof parseFilters>[0]) => rows.filter((r) => parseFilters(opts).every((f) => f(r))).map((r) => r.id);

test('filters combine with AND', () => {
  assert.deepEqual(apply({ filter: ['name=web'] }), ['aaa', 'ccc']);
  assert.deepEqual(apply({ filter: ['name=web'], runtime: ['lxc'] }), ['ccc']);
  assert.deepEqual(apply({ filter: ['state=exited'] }), ['bbb']);
  assert.deepEqual(apply({ filter: ['image=nginx', 'id=a'] }), ['aaa']);
});

test('bad filters are usage errors', () => {
  assert.throws(() => parseFilters({ filter: ['bogus'] }), UsageError);
  assert.throws(() => parseFilters({ filter: ['color=red'] }), /unknown filter key "color"/);
  assert.throws(() => parseFilters({ runtime: ['rkt'] }), /unknown runtime "rkt"/);
});

test('--runtime takes a comma list as well as several words', () => {
  assert.deepEqual(apply({ runtime: ['lxc,docker'] }), ['aaa', 'bbb', 'ccc']);
  assert.deepEqual(apply({ runtime: ['lxc', 'runc'] }), ['ccc']);
  assert.deepEqual(apply({ runtime: ['lxc, runc'] }), ['ccc']);
  assert.throws(() => parseFilters({ runtime: ['lxc,rkt'] }), /unknown runtime "rkt"/);
});
