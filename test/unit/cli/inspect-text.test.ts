// The human `inspect`: an exited container says how it ended; a running one says nothing about an exit yet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describe } from '../../../src/cli/print/inspect-text.js';
import type { Container } from '../../../src/snapshot/model.js';
import { fixtureSnapshot } from '../exporter/snapshot-fixture.js';

const exited: Container = {
  id: 'b'.repeat(64),
  name: 'job',
  runtime: 'tctop',
  image: 'busybox:latest',
  state: 'exited',
  labels: {},
  shim: null,
  init: null,
  pids: [],
  namespaces: [],
  cgroup: null,
  network: null,
  startedAt: null,
  createdAt: null,
  extra: { exitCode: 137, oomKilled: true, finishedAt: '2026-11-23T14:29:30.875861616Z', bundle: '/var/lib/tctop/containers/bbbb' },
};

test('inspect text: an exited container shows its exit code, OOM kill, finish time and bundle, aligned', () => {
  const out = describe(exited, fixtureSnapshot());
  assert.match(out, /^ {2}Exit code: {2}137$/m);
  assert.match(out, /^ {2}OOM killed: true$/m);
  assert.match(out, /^ {2}Finished: {3}2026-11-23T14:29:30\.875861616Z$/m);
  assert.match(out, /^ {2}Bundle: {5}\/var\/lib\/tctop\/containers\/bbbb$/m);
  assert.match(out, /^ {2}State: {6}exited$/m);
});

test('inspect text: a running container shows no exit facts', () => {
  const running: Container = {
    ...exited,
    state: 'running',
    init: { hostPid: 10, containerPid: 1 },
    extra: { exitCode: null, oomKilled: false, bundle: '/b' },
  };
  const out = describe(running, fixtureSnapshot());
  assert.doesNotMatch(out, /Exit code|OOM killed|Finished/);
  assert.match(out, /^ {2}Bundle: {5}\/b$/m);
});
