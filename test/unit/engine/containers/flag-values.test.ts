// run/create flag values: docker's spellings accepted, everything else a UsageError naming the flag.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../../../src/errors.js';
import {
  parseCpus,
  parseCpuset,
  parseEnv,
  parseHostname,
  parseMemory,
  parseNetwork,
  parsePidsLimit,
  parseVolume,
  parseWorkdir,
} from '../../../../src/engine/containers/flag-values.js';

test('--memory takes docker units and refuses junk and tiny limits', () => {
  assert.equal(parseMemory('64m'), 64 * 1024 * 1024);
  assert.equal(parseMemory('64M'), 64 * 1024 * 1024);
  assert.equal(parseMemory('1g'), 1024 ** 3);
  assert.equal(parseMemory('1gb'), 1024 ** 3);
  assert.equal(parseMemory('8388608'), 8 * 1024 * 1024);
  assert.equal(parseMemory('6.5m'), Math.floor(6.5 * 1024 * 1024));
  for (const bad of ['', 'lots', '64x', '-64m', '1m', '64 mm'])
    assert.throws(
      () => parseMemory(bad),
      (e: unknown) => e instanceof UsageError && /--memory/.test((e as Error).message),
      bad,
    );
});

test('--cpus is a decimal between 0.01 and the CPU count', () => {
  assert.equal(parseCpus('0.5', 2), 500_000_000);
  assert.equal(parseCpus('2', 2), 2_000_000_000);
  assert.equal(parseCpus('.25', 2), 250_000_000);
  for (const bad of ['0', '3', 'half', '-1', '0.001', '1e3']) assert.throws(() => parseCpus(bad, 2), UsageError, bad);
});

test('--pids-limit, --cpuset-cpus, --network, -w, --hostname', () => {
  assert.equal(parsePidsLimit('20'), 20);
  for (const bad of ['0', '-1', 'x', '1.5']) assert.throws(() => parsePidsLimit(bad), UsageError);
  assert.equal(parseCpuset('0-1,3'), '0-1,3');
  assert.equal(parseCpuset('0'), '0');
  for (const bad of ['', '1-0', 'a', '0,', '0--1']) assert.throws(() => parseCpuset(bad), UsageError, bad);
  assert.equal(parseNetwork('host'), 'host');
  assert.equal(parseNetwork('bridge'), 'bridge');
  assert.throws(() => parseNetwork('overlay'), UsageError);
  assert.equal(parseWorkdir('/srv/../app/'), '/app/');
  assert.throws(() => parseWorkdir('app'), UsageError);
  assert.equal(parseHostname('web-1.local'), 'web-1.local');
  assert.throws(() => parseHostname('bad host'), UsageError);
});

test('-v: absolute existing source, absolute destination, ro/rw', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-vol-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(parseVolume(`${dir}:/data`), { source: dir, destination: '/data', readOnly: false });
  assert.deepEqual(parseVolume(`${dir}:/data:ro`), { source: dir, destination: '/data', readOnly: true });
  for (const bad of ['data:/data', `${dir}:data`, `${dir}:/`, `${dir}:/d:rx`, `${dir}/missing:/d`, dir, `${dir}:/a:ro:x`]) {
    assert.throws(
      () => parseVolume(bad),
      (e: unknown) => e instanceof UsageError && /^invalid -v/.test((e as Error).message),
      bad,
    );
  }
});

test('-e K=V as given, -e K from the environment (dropped when unset)', () => {
  assert.equal(parseEnv('A=1=2'), 'A=1=2');
  assert.equal(parseEnv('A='), 'A=');
  assert.equal(parseEnv('HOMEX', { HOMEX: '/x' }), 'HOMEX=/x');
  assert.equal(parseEnv('UNSET_X', {}), null);
  assert.throws(() => parseEnv('=v'), UsageError);
});
