import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmbiguousError, NotFoundError, UsageError } from '../../../src/errors.js';
import { answeredByFullIds, containerOfPid, resolveContainer } from '../../../src/report/resolve.js';
import type { Container, HostSnapshot } from '../../../src/snapshot/model.js';

function container(id: string, name: string, pids: number[], shimPid?: number): Container {
  return {
    id,
    name,
    runtime: 'docker',
    image: 'img',
    state: 'running',
    labels: {},
    shim: shimPid ? { pid: shimPid, command: 'containerd-shim-runc-v2' } : null,
    init: pids.length ? { hostPid: pids[0], containerPid: 1 } : null,
    pids,
    namespaces: [],
    cgroup: null,
    network: null,
    startedAt: null,
    createdAt: null,
    extra: {},
  };
}

const a = container('abc1' + '0'.repeat(60), 'web', [100, 101], 99);
const b = container('abc2' + '0'.repeat(60), 'db', [200]);
const c = container('f00d' + '0'.repeat(60), 'abc1', [300]);
const all = [a, b, c];

test('full ID, unique prefix and name resolve', () => {
  assert.equal(resolveContainer(all, a.id), a);
  assert.equal(resolveContainer(all, 'abc2'), b);
  assert.equal(resolveContainer(all, 'web'), a);
});

test('an exact name wins over an ID prefix (docker does the same)', () => {
  assert.equal(resolveContainer(all, 'abc1'), c);
});

test("a full ID wins over a name equal to it, and two containers with one name are ambiguous (docker's order)", () => {
  const named = container('beef' + '0'.repeat(60), a.id, [400]); // an nspawn machine may be named anything
  assert.equal(resolveContainer([...all, named], a.id), a);
  const twin = { ...container('cafe' + '0'.repeat(60), 'web', [500]), runtime: 'lxc' as const };
  assert.throws(() => resolveContainer([...all, twin], 'web'), /"web" matches 2 containers/);
});

test('full IDs are answered for good only when each is the ID of exactly one container found', () => {
  assert.ok(answeredByFullIds(all, [a.id, c.id]));
  assert.ok(!answeredByFullIds(all, [a.id, 'abc2']), 'a prefix: a container found later might match it too');
  assert.ok(!answeredByFullIds(all, [a.id, 'f'.repeat(64)]), 'not found yet: it may be found later');
  assert.ok(!answeredByFullIds([...all, { ...a, runtime: 'lxc' }], [a.id]), 'two with that ID: ambiguous either way');
  assert.ok(!answeredByFullIds(all, []));
});

test('an ambiguous prefix lists every candidate', () => {
  assert.throws(
    () => resolveContainer(all, 'abc'),
    (err: unknown) => {
      assert.ok(err instanceof AmbiguousError);
      assert.match(err.message, /"abc" matches 2 containers: abc100000000 \(web, docker\), abc200000000 \(db, docker\)/);
      return true;
    },
  );
});

test('unknown references and escape sequences in them give a clean error', () => {
  assert.throws(() => resolveContainer(all, 'nope'), NotFoundError);
  assert.throws(
    () => resolveContainer(all, 'x\x1b]2;t\x07'),
    (err: unknown) => err instanceof NotFoundError && !err.message.includes('\x1b'),
  );
  assert.throws(() => resolveContainer(all, ''), UsageError);
});

test('a host PID maps to its container; the shim and host processes are refused with a reason', () => {
  const snap = { containers: all } as unknown as HostSnapshot;
  assert.equal(containerOfPid(snap, 101), a);
  assert.throws(() => containerOfPid(snap, 99), /is the shim of container abc100000000 \(web\)/);
  assert.throws(() => containerOfPid(snap, 4242), /process 4242 is not in any container/);
  assert.throws(() => containerOfPid(snap, -1), UsageError);
});
