// The engine contract's TypeScript half: the engine root, exit.json's record and the fold both the engine and
// discovery apply (docs/engine-contract.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exitRecordOf, foldExit, mayHaveExited, parseExitRecord, type ExitRecord } from '../../../src/engine-contract/records.js';
import { containersDir, DEFAULT_ROOT, tctopRoot } from '../../../src/engine-contract/state-dir.js';

const killed: ExitRecord = { exitCode: 137, signal: 9, oomKilled: true, finishedAt: '2026-11-23T10:00:02.123456789Z', pid: 42 };

test('the engine root is $TCTOP_ROOT, else /var/lib/tctop; an empty TCTOP_ROOT counts as unset', () => {
  assert.equal(tctopRoot({ TCTOP_ROOT: '/srv/t' }), '/srv/t');
  assert.equal(tctopRoot({}), DEFAULT_ROOT);
  assert.equal(tctopRoot({ TCTOP_ROOT: '' }), '/var/lib/tctop');
  assert.equal(containersDir('/srv/t'), '/srv/t/containers');
});

test("exit.json: the shim's record parsed, anything without a numeric exitCode refused", () => {
  assert.deepEqual(parseExitRecord(JSON.stringify(killed)), killed);
  assert.deepEqual(parseExitRecord('{"exitCode":0,"signal":null,"oomKilled":false,"finishedAt":"t","pid":7}\n'), {
    exitCode: 0,
    signal: null,
    oomKilled: false,
    finishedAt: 't',
    pid: 7,
  });
  assert.equal(parseExitRecord('{"exitCode":1'), null); // half a file is not the shim's (it renames it in whole)
  assert.equal(parseExitRecord('{"exitCode":"1"}'), null);
  assert.equal(parseExitRecord('[1]'), null);
  assert.equal(exitRecordOf(null), null);
  // loose fields are normalised, never trusted as they are
  assert.deepEqual(exitRecordOf({ exitCode: 2, signal: 'x', oomKilled: 'yes' }), {
    exitCode: 2,
    signal: null,
    oomKilled: false,
    finishedAt: '',
    pid: NaN,
  });
});

test('foldExit: a running state with an exit record becomes exited with code, signal, OOM flag and time', () => {
  const running = { id: 'a', status: 'running', exitCode: null, exitSignal: null, oomKilled: false, finishedAt: null };
  assert.deepEqual(foldExit(running, killed), {
    id: 'a',
    status: 'exited',
    exitCode: 137,
    exitSignal: 9,
    oomKilled: true,
    finishedAt: killed.finishedAt,
  });
  const at = new Date('2026-01-01T00:00:00Z');
  assert.equal(foldExit(running, { ...killed, finishedAt: '' }, () => at).finishedAt, at.toISOString());
});

test('foldExit: nothing to fold without a record, or unless the state says running', () => {
  const created = { status: 'created', exitCode: null };
  const exited = { status: 'exited', exitCode: 3 };
  assert.equal(foldExit(created, killed), created);
  assert.equal(foldExit(exited, killed), exited); // a later run's state is not overwritten by an old record
  const running = { status: 'running' };
  assert.equal(foldExit(running, null), running);
  assert.deepEqual([mayHaveExited(running), mayHaveExited(exited), mayHaveExited(null)], [true, false, false]);
});
