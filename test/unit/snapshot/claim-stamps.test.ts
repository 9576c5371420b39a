// A claim past its TTL is kept when its state files are as they were (one stat each), and made again from the file
// whenever the file was rewritten: in place, or renamed over with the same size and mtime.
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Claim } from '../../../src/discovery/types.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import type { ProcessInfo } from '../../../src/host/records.js';
import { ClaimCache } from '../../../src/snapshot/claim-cache.js';

const TTL = 5000;
const init = { hostPid: 10, startTicks: 7, ppid: 9 } as ProcessInfo;

/**
 * A cache whose claims name what `state` says (reading `alsoRead` too, when given); `later` is past the racy window
 * of a file written now. The temp dir goes when the test ends.
 */
function setup(t: TestContext, alsoRead?: (reader: HostReader) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-claim-stamps-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const state = join(dir, 'state.json');
  writeFileSync(state, '{"name":"aa"}');
  const reader = new HostReader(hostPaths());
  const cache = new ClaimCache(TTL);
  let makes = 0;
  const make = (): Claim => {
    makes++;
    alsoRead?.(reader);
    const name = String(JSON.parse(reader.stateText(state) ?? '{}').name);
    return { runtime: 'tctop', id: 'x', name, image: '', state: 'running', parentIsShim: true } as Claim;
  };
  const later = Date.now() + 10_000;
  const get = (at: number, who = init) => cache.get('/tctop/x', who, make, at, reader)?.name;
  return { dir, state, get, later, makes: () => makes };
}

test('an unchanged state file keeps its claim past the TTL without reading it again', (t) => {
  const s = setup(t);
  assert.equal(s.get(s.later), 'aa');
  for (let i = 1; i <= 5; i++) assert.equal(s.get(s.later + i * TTL), 'aa');
  assert.equal(s.makes(), 1);
});

test('a file renamed over the state file with the same size and times is read again within the TTL', (t) => {
  const s = setup(t);
  assert.equal(s.get(s.later), 'aa');
  const old = statSync(s.state);
  const next = join(s.dir, 'state.json.new');
  writeFileSync(next, '{"name":"bb"}');
  utimesSync(next, old.atime, old.mtime);
  assert.equal(statSync(next).size, old.size);
  renameSync(next, s.state);
  assert.equal(s.get(s.later + TTL), 'bb');
  assert.equal(s.makes(), 2);
});

test('a state file rewritten in place with the same size is read again within the TTL', (t) => {
  const s = setup(t);
  assert.equal(s.get(s.later), 'aa');
  writeFileSync(s.state, '{"name":"cc"}');
  assert.equal(s.get(s.later + TTL), 'cc');
});

test('a claim whose state file had just changed (inside the racy window) is made again each TTL', (t) => {
  const s = setup(t);
  const now = Date.now();
  s.get(now);
  s.get(now + TTL);
  assert.equal(s.makes(), 2);
});

test('a claim reading a file that is no state file is made again each TTL', (t) => {
  const s = setup(t, (reader) => reader.text('/proc/self/stat'));
  assert.equal(s.get(s.later), 'aa');
  assert.equal(s.get(s.later + TTL), 'aa');
  assert.equal(s.makes(), 2);
});

test('an init with another parent is claimed again', (t) => {
  const s = setup(t);
  s.get(s.later);
  s.get(s.later + 1, { ...init, ppid: 1 } as ProcessInfo);
  assert.equal(s.makes(), 2);
});
