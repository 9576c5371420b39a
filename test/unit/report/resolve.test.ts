import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmbiguousError, NotFoundError, UsageError } from '../../../src/errors.js';
import { answeredBeforeNamespacePass, containerOfPid, resolveContainer } from '../../../src/report/resolve.js';
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

test("a container found by its PID namespace alone matches only what no runtime's container does", () => {
  // a sandbox is named by its init's comm, which any process sets: it must not take a docker container's reference
  const sandbox = { ...container('ns-4026531999', 'abc1', [600]), runtime: 'sandbox' as const, byPidNamespaceOnly: true as const };
  const machine = { ...container('web', 'web', [700]), runtime: 'nspawn' as const, byPidNamespaceOnly: true as const };
  const host = [...all, sandbox, machine];
  assert.equal(resolveContainer(host, 'abc1'), c, "the runtime's exact name, not the sandbox's");
  assert.equal(resolveContainer([a, b, sandbox], 'abc1'), a, "a runtime container's ID prefix beats a sandbox's exact name");
  assert.equal(resolveContainer(host, 'web'), a, 'no ambiguity with the machine: the runtime container ranks first');
  assert.equal(resolveContainer(host, 'ns-4026'), sandbox, 'none of the others matches: the sandbox is found');
  assert.equal(resolveContainer([b, c, machine], 'web'), machine);
  const twin = { ...sandbox, id: 'ns-4026532000', pids: [601] };
  assert.throws(() => resolveContainer([...host, twin], 'ns-40265'), /matches 2 containers/, 'ambiguous among them too');
  assert.throws(() => resolveContainer(host, 'nope'), NotFoundError);
});

test('references are answered before the namespace pass when each may name a container found already', () => {
  assert.ok(answeredBeforeNamespacePass(all, [a.id, 'abc', 'db', '/web']), 'a full ID, an ambiguous prefix, names');
  assert.ok(!answeredBeforeNamespacePass(all, [a.id, 'f'.repeat(64)]), 'not found yet: only a sandbox may bear it');
  assert.ok(!answeredBeforeNamespacePass(all, ['ns-']), 'a sandbox ID: only the pass finds it');
  assert.ok(!answeredBeforeNamespacePass(all, []));
  assert.ok(!answeredBeforeNamespacePass(all, ['']), 'an empty reference is an error, not an answer');
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
