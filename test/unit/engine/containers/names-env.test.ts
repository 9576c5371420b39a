// Names (docker's rules, generated defaults never colliding) and the environment docker would build.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../../src/errors.js';
import { generateName, validateName } from '../../../../src/engine/containers/names.js';
import { containerEnv, DEFAULT_PATH } from '../../../../src/engine/containers/environment.js';
import { newContainerId } from '../../../../src/engine/containers/ids.js';
import { parseSignal } from '../../../../src/engine/containers/signals.js';

test('names follow docker: [a-zA-Z0-9][a-zA-Z0-9_.-]*, a leading / dropped', () => {
  assert.equal(validateName('web_1.a-b'), 'web_1.a-b');
  assert.equal(validateName('/web'), 'web');
  assert.equal(validateName('a'), 'a');
  for (const bad of ['', '_x', '-x', 'a b', 'a/b', 'ü', 'x\n', 'a'.repeat(300)])
    assert.throws(() => validateName(bad), UsageError, JSON.stringify(bad));
});

test('generated names are adjective_surname, valid, and avoid the taken ones', () => {
  const taken = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const n = generateName(taken);
    assert.match(n, /^[a-z]+_[a-z]+\d?$/);
    assert.equal(validateName(n), n);
    assert.ok(!taken.has(n));
    taken.add(n);
  }
});

test('IDs are 64 random hex digits', () => {
  const a = newContainerId();
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, newContainerId());
});

test('environment: PATH when the image has none, HOSTNAME, image Env, -e overrides in place, HOME last', () => {
  assert.deepEqual(containerEnv([], [], 'h1', '/root'), [`PATH=${DEFAULT_PATH}`, 'HOSTNAME=h1', 'HOME=/root']);
  assert.deepEqual(containerEnv(['PATH=/bin', 'A=1', 'B=2'], ['A=9', 'C=3'], 'h1', '/'), [
    'PATH=/bin',
    'HOSTNAME=h1',
    'A=9',
    'B=2',
    'C=3',
    'HOME=/',
  ]);
  assert.deepEqual(containerEnv(['HOME=/img'], ['HOSTNAME=mine'], 'h1', '/root'), [`PATH=${DEFAULT_PATH}`, 'HOSTNAME=mine', 'HOME=/img']);
});

test('signals by name, SIG-name and number', () => {
  assert.equal(parseSignal('KILL'), 9);
  assert.equal(parseSignal('sigterm'), 15);
  assert.equal(parseSignal('USR1'), 10);
  assert.equal(parseSignal('2'), 2);
  for (const bad of ['NOPE', '0', '65', '', 'SIG']) assert.throws(() => parseSignal(bad), UsageError, bad);
});
