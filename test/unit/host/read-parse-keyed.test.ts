// parseFlatKeyed with `only` (the refresh path): the same values as a full parse for the keys asked, nothing else,
// and no confusion between keys that share a prefix (rss / rss_huge / total_rss).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseFlatKeyed } from '../../../src/host/cgroupfs/parse.js';

const MEMORY_STAT =
  [
    'cache 4096',
    'rss 8192',
    'rss_huge 2097152',
    'inactive_file 100',
    'total_cache 5000',
    'total_rss 9000',
    'total_rss_huge 0',
    'total_inactive_file 123',
  ].join('\n') + '\n';

test('only the keys asked are kept, with the values a full parse gives', () => {
  const full = parseFlatKeyed(MEMORY_STAT);
  const some = parseFlatKeyed(MEMORY_STAT, ['rss', 'total_inactive_file', 'swap']);
  assert.deepEqual(
    [...some],
    [
      ['rss', 8192],
      ['total_inactive_file', 123],
    ],
  );
  assert.equal(some.get('rss'), full.get('rss'));
  assert.equal(some.has('rss_huge'), false, 'a key sharing a prefix is not taken for the one asked');
  assert.equal(some.has('swap'), false, 'a key absent from the file stays absent');
});

test('lines without a value, a missing final newline, empty and null text', () => {
  assert.deepEqual(
    [...parseFlatKeyed('noval\nuser 7\nsystem 9', ['user', 'system', 'noval'])],
    [
      ['user', 7],
      ['system', 9],
    ],
  );
  assert.deepEqual(
    [...parseFlatKeyed('user 7\n\n\nsystem 9\n')],
    [
      ['user', 7],
      ['system', 9],
    ],
  );
  assert.equal(parseFlatKeyed('', ['user']).size, 0);
  assert.equal(parseFlatKeyed(null, ['user']).size, 0);
});

test('a real kernel key-value file (/proc/vmstat): the keys asked come back, in file order', () => {
  const text = readFileSync('/proc/vmstat', 'utf8');
  const full = parseFlatKeyed(text);
  assert.ok(full.size > 10);
  const keys = [...full.keys()].filter((_, i) => i % 3 === 0);
  const some = parseFlatKeyed(text, keys);
  assert.deepEqual([...some.keys()], keys);
  for (const k of keys) assert.equal(typeof some.get(k), 'number');
});
