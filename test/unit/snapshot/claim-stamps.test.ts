// A claim past its TTL is kept when its state files are as they were (one stat each), and made again from the file
// whenever the file was rewritten: in place, or renamed over with the same size and mtime.
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Claim } from '../../../src/discovery/types.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import type { ProcessInfo } from '../../../src/host/records.js';
import { ClaimCache } from '../../../src/snapshot/claim-cache.js';

const TTL = 5000;
const init = { hostPid: 10, startTicks: 7, ppid: 9 } as ProcessInfo;

/** A cache whose claims name what `state` says; `later` is past the racy window of a file written now. */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-claim-stamps-'));
  const state = join(dir, 'state.json');
  writeFileSync(state, '{"name":"aa"}');
  const reader = new HostReader(hostPaths());
  const cache = new ClaimCache(TTL);
  let makes = 0;
  const make = (): Claim => {
    makes++;
    const name = String(JSON.parse(reader.stateText(state) ?? '{}').name);
    return { runtime: 'tctop', id: 'x', name, image: '', state: 'running', parentIsShim: true } as Claim;
  };
  const later = Date.now() + 10_000;
  const get = (at: number, who = init) => cache.get('/tctop/x', who, make, at, reader)?.name;
  return { dir, state, get, later, makes: () => makes, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('an unchanged state file keeps its claim past the TTL without reading it again', () => {
  const s = setup();
  try {
    assert.equal(s.get(s.later), 'aa');
    for (let i = 1; i <= 5; i++) assert.equal(s.get(s.later + i * TTL), 'aa');
    assert.equal(s.makes(), 1);
  } finally {
    s.done();
  }
});

test('a file renamed over the state file with the same size and times is read again within the TTL', () => {
  const s = setup();
  try {
    assert.equal(s.get(s.later), 'aa');
    const old = statSync(s.state);
    const next = join(s.dir, 'state.json.new');
    writeFileSync(next, '{"name":"bb"}');
    utimesSync(next, old.atime, old.mtime);
    assert.equal(statSync(next).size, old.size);
    renameSync(next, s.state);
    assert.equal(s.get(s.later + TTL), 'bb');
    assert.equal(s.makes(), 2);
  } finally {
    s.done();
  }
});

test('a state file rewritten in place with the same size is read again within the TTL', () => {
  const s = setup();
  try {
    assert.equal(s.get(s.later), 'aa');
    writeFileSync(s.state, '{"name":"cc"}');
    assert.equal(s.get(s.later + TTL), 'cc');
  } finally {
    s.done();
  }
});

test('a claim whose state file had just changed (inside the racy window) is made again each TTL', () => {
  const s = setup();
  try {
    const now = Date.now();
    s.get(now);
    s.get(now + TTL);
    assert.equal(s.makes(), 2);
  } finally {
    s.done();
  }
});

test('a claim reading a file that is no state file is made again each TTL', () => {
  const s = setup();
  try {
    const cache = new ClaimCache(TTL);
    const reader = new HostReader(hostPaths());
    let makes = 0;
    const make = (): Claim => {
      makes++;
      reader.text('/proc/self/stat');
      return {
        runtime: 'tctop',
        id: 'x',
        name: String(reader.stateText(s.state)),
        image: '',
        state: 'running',
        parentIsShim: true,
      } as Claim;
    };
    cache.get('/tctop/x', init, make, s.later, reader);
    cache.get('/tctop/x', init, make, s.later + TTL, reader);
    assert.equal(makes, 2);
  } finally {
    s.done();
  }
});

test('an init with another parent is claimed again', () => {
  const s = setup();
  try {
    s.get(s.later);
    s.get(s.later + 1, { ...init, ppid: 1 } as ProcessInfo);
    assert.equal(s.makes(), 2);
  } finally {
    s.done();
  }
});
