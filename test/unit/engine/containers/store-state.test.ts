// The container store on disk: resolving references (ID, name, unique prefix, ambiguity) and the exit.json fold.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { AmbiguousError, NotFoundError } from '../../../../src/errors.js';
import { listContainers, resolveContainer } from '../../../../src/engine/containers/store.js';
import { readState, writeState, type ContainerState } from '../../../../src/engine/containers/state.js';
import { containerDir } from '../../../../src/engine/containers/paths.js';

function root(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A container dir with its state.json (writeState never creates the dir: a removed container stays removed). */
async function put(r: string, s: ContainerState): Promise<void> {
  mkdirSync(containerDir(r, s.id), { recursive: true });
  await writeState(r, s);
}

function state(id: string, name: string, over: Partial<ContainerState> = {}): ContainerState {
  return {
    id,
    name,
    image: 'busybox',
    imageId: 'sha256:' + 'e'.repeat(64),
    status: 'created',
    createdAt: '2026-11-23T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    exitCode: null,
    exitSignal: null,
    oomKilled: false,
    pid: null,
    pidStartTime: null,
    shimPid: null,
    shimStartTime: null,
    labels: {},
    bundle: '/x',
    autoRemove: false,
    cgroup: { version: 1, dirs: [], oomFile: null, path: `/tctop/${id}` },
    config: {
      args: ['true'],
      env: [],
      cwd: '/',
      user: { uid: 0, gid: 0, groups: [0] },
      userSpec: '',
      hostname: 'h',
      network: 'none',
      binds: [],
      readonly: false,
      limits: {},
      lowerdirs: ['/l'],
    },
    ...over,
  };
}

const A = 'abc1' + '0'.repeat(60);
const B = 'abc2' + '0'.repeat(60);
const C = 'f00d' + '1'.repeat(60);

test('full ID, exact name, unique prefix; an ambiguous prefix lists the candidates', async (t) => {
  const r = root(t);
  await put(r, state(A, 'web'));
  await put(r, state(B, 'db'));
  await put(r, state(C, 'abc2')); // a name that is also a prefix of B: the exact name wins, as docker
  mkdirSync(join(r, 'containers', 'not-a-container'));
  mkdirSync(containerDir(r, 'd'.repeat(64))); // being created: no state.json yet
  assert.deepEqual(
    listContainers(r)
      .map((c) => c.name)
      .sort(),
    ['abc2', 'db', 'web'],
  );
  assert.equal(resolveContainer(r, A).name, 'web');
  assert.equal(resolveContainer(r, 'db').id, B);
  assert.equal(resolveContainer(r, 'abc2').id, C);
  assert.equal(resolveContainer(r, 'f0').id, C);
  assert.throws(
    () => resolveContainer(r, 'abc'),
    (e: unknown) =>
      e instanceof AmbiguousError && /abc100000000 \(web\)/.test((e as Error).message) && /abc200000000 \(db\)/.test((e as Error).message),
  );
  assert.throws(() => resolveContainer(r, 'nope'), NotFoundError);
  assert.throws(() => resolveContainer(r, 'dddd'), NotFoundError);
});

test('exit.json folds into a running state: exited, code, OOM flag, finish time', async (t) => {
  const r = root(t);
  await put(r, state(A, 'web', { status: 'running', pid: 42, startedAt: '2026-11-23T10:00:01.000Z' }));
  assert.equal(readState(r, A)!.status, 'running');
  writeFileSync(join(containerDir(r, A), 'exit.json'), 'garbage');
  assert.equal(readState(r, A)!.status, 'running', 'an unparsable record is not an exit');
  writeFileSync(
    join(containerDir(r, A), 'exit.json'),
    JSON.stringify({ exitCode: 137, signal: 9, oomKilled: true, finishedAt: '2026-11-23T10:00:02.123456789Z', pid: 42 }),
  );
  const s = readState(r, A)!;
  assert.equal(s.status, 'exited');
  assert.equal(s.exitCode, 137);
  assert.equal(s.exitSignal, 9);
  assert.equal(s.oomKilled, true);
  assert.equal(s.finishedAt, '2026-11-23T10:00:02.123456789Z');
  // a created container ignores a stale record
  await put(r, state(B, 'db'));
  writeFileSync(
    join(containerDir(r, B), 'exit.json'),
    JSON.stringify({ exitCode: 1, signal: null, oomKilled: false, finishedAt: 'x', pid: 1 }),
  );
  assert.equal(readState(r, B)!.status, 'created');
});
