// docker cp's path rules, as the table in docker's documentation states them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSource, planCopy } from '../../../../src/engine/copy/cp-paths.js';

const c = (p: string) => parseSource(p, true);

test('a file source: into a dir by its name, onto a file, to a new name; DEST/ must exist', () => {
  assert.deepEqual(planCopy(c('/etc/passwd'), 'file', '/out', 'dir', 'dir', 'container x'), { dir: '/out', name: 'passwd' });
  assert.deepEqual(planCopy(c('/etc/passwd'), 'file', '/out/f', 'file', 'dir', 'container x'), { dir: '/out', name: 'f' });
  assert.deepEqual(planCopy(c('/etc/passwd'), 'file', '/out/new', 'missing', 'dir', 'container x'), { dir: '/out', name: 'new' });
  assert.throws(() => planCopy(c('/etc/passwd'), 'file', '/out/new/', 'missing', 'dir', 'container x'), /must exist/);
  assert.throws(() => planCopy(c('/etc/passwd/'), 'file', '/out', 'dir', 'dir', 'container x'), /not a directory/);
  assert.throws(() => planCopy(c('/etc/passwd'), 'file', '/a/b', 'missing', 'missing', 'container x'), /parent directory does not exist/);
});

test('a directory source: created under a new name, into an existing dir, its contents with /.; never onto a file', () => {
  assert.deepEqual(planCopy(c('/var/log'), 'dir', '/out/logs', 'missing', 'dir', 'container x'), { dir: '/out', name: 'logs' });
  assert.deepEqual(planCopy(c('/var/log'), 'dir', '/out', 'dir', 'dir', 'container x'), { dir: '/out', name: 'log' });
  assert.deepEqual(planCopy(c('/var/log/.'), 'dir', '/out', 'dir', 'dir', 'container x'), { dir: '/out', name: '' });
  assert.deepEqual(planCopy(c('/var/log/.'), 'dir', '/out/new', 'missing', 'dir', 'container x'), { dir: '/out', name: 'new' });
  assert.deepEqual(planCopy(c('/var/log/'), 'dir', '/out/', 'dir', 'dir', 'container x'), { dir: '/out', name: 'log' });
  assert.throws(() => planCopy(c('/var/log'), 'dir', '/out/f', 'file', 'dir', 'container x'), /cannot copy a directory to a file/);
  assert.throws(
    () => planCopy(c('/nope'), 'missing', '/out', 'dir', 'dir', 'container x'),
    /could not find the file \/nope in container x/,
  );
});

test('container paths are relative to its root', () => {
  assert.equal(c('etc/passwd').path, '/etc/passwd');
  assert.equal(parseSource('rel/x', false).path, 'rel/x');
  assert.equal(c('/.').contents, true);
});
