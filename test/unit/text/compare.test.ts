import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareText } from '../../../src/text/compare.js';

test('identifiers sort case-insensitively, ties broken by code unit, whatever the locale', () => {
  assert.deepEqual(['web/POD', 'web/etcd', 'Alpha', 'alpha', 'beta'].sort(compareText), ['Alpha', 'alpha', 'beta', 'web/etcd', 'web/POD']);
  assert.equal(compareText('same', 'same'), 0);
  assert.ok(compareText('docker', 'tctop') < 0 && compareText('tctop', 'docker') > 0);
});
