// Each runtime's knowledge lives in its adapter: every runtime tctop shows is listed once, every one but tctop (whose
// actions the engine does) has a hint, and state directories are absolute host paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADAPTERS, RUNTIMES, runtimeKnowledge } from '../../../src/discovery/adapters/index.js';
import type { RuntimeName } from '../../../src/snapshot/model.js';

const ALL: RuntimeName[] = ['docker', 'containerd', 'cri-o', 'podman', 'lxc', 'nspawn', 'runc', 'tctop', 'sandbox'];

test('every runtime is known once; the adapters come first, in their order, and the catch-all last', () => {
  assert.deepEqual([...RUNTIMES.map((r) => r.runtime)].sort(), [...ALL].sort());
  assert.deepEqual(RUNTIMES.slice(0, ADAPTERS.length), [...ADAPTERS]);
  assert.equal(RUNTIMES.at(-1)?.runtime, 'sandbox');
  for (const r of ALL) assert.equal(runtimeKnowledge(r)?.runtime, r);
});

test('every runtime but tctop names its own tool for each action; state dirs are absolute', () => {
  for (const r of RUNTIMES) {
    if (r.runtime === 'tctop') assert.equal(r.actionHint, undefined);
    else
      for (const a of ['stop', 'kill', 'restart', 'remove'] as const)
        assert.match(r.actionHint?.(a, { id: 'f'.repeat(64), name: 'web' }) ?? '', /\bweb\b/, `${r.runtime} ${a}`);
    for (const d of r.stateDirs?.({ TCTOP_ROOT: '/srv/tctop' }) ?? [])
      assert.ok(d.path.startsWith('/') && d.depth >= 0, `${r.runtime}: ${d.path}`);
  }
  assert.deepEqual(runtimeKnowledge('tctop')?.stateDirs?.({ TCTOP_ROOT: '/srv/tctop' }), [{ path: '/srv/tctop/containers', depth: 1 }]);
});

test('RuntimeName is the names the adapters declare (defineAdapter), not any string', () => {
  // @ts-expect-error a name no adapter declares is no RuntimeName: tsc fails on this file if it were one
  const bogus: RuntimeName = 'bogus';
  assert.equal(ALL.includes(bogus), false);
  const exhaustive = (r: RuntimeName): string => {
    switch (r) {
      case 'docker':
      case 'containerd':
      case 'cri-o':
      case 'podman':
      case 'lxc':
      case 'nspawn':
      case 'runc':
      case 'tctop':
      case 'sandbox':
        return r;
      default:
        return r satisfies never; // a runtime added without a case here fails to compile
    }
  };
  assert.deepEqual(ALL.map(exhaustive), ALL);
});
