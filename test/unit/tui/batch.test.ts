import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchBlock } from '../../../src/tui/batch.js';
import { headerLines } from '../../../src/tui/view/header.js';
import { advanced, container, snapshot } from './fixtures.js';

test('batch block: a summary line and one full, untruncated row per container', () => {
  const a = container('a'.repeat(64), { name: 'a-very-long-container-name-that-a-script-greps-for' });
  const prev = snapshot([a], [], 1_700_000_000_000, 1000);
  const cur = snapshot([advanced(a, 1, 0, 0)], [], 1_700_000_001_000, 1001);
  const text = batchBlock(cur, prev);
  const lines = text.split('\n');
  assert.match(
    lines[0],
    /^tctop - 2023-11-14T22:13:21\.000Z {2}host testhost {2}cpu 0\.0% {2}mem 25\.0% {2}containers 1 \(docker 1\) {2}processes 100$/,
  );
  assert.match(lines[2], /^NAME\s+ID\s+RUNTIME\s+IMAGE\s+STATE\s+CPU%\s+MEM \/ LIMIT\s+PIDS\s+NET rx\/tx\s+IO\s+UPTIME$/);
  assert.match(
    lines[3],
    /^a-very-long-container-name-that-a-script-greps-for {2}aaaaaaaaaaaa {2}docker\s+busybox:latest {2}running\s+100\.0%\s+10MiB \/ 100MiB\s+1\s+0B\/s 0B\/s\s+0B\/s\s+1h$/,
  );
});

test('batch block escapes hostile names', () => {
  const text = batchBlock(snapshot([container('b'.repeat(64), { name: 'x\u001b]0;owned\u0007' })]), undefined);
  assert.ok(!text.includes('\u001b'));
  assert.match(text, /x\\e\]0;owned\\x07/);
});

test('header: host facts, cgroup version, runtimes, counts and graphs', () => {
  const snap = snapshot([container('a'.repeat(64)), container('c'.repeat(64), { runtime: 'lxc' })]);
  const lines = headerLines(
    snap,
    { os: 'Debian 12', cpuModel: 'AMD EPYC' },
    { cpuPercent: 12.5, memUsedPercent: 25 },
    { cpu: [0, 100], mem: [25] },
    80,
  );
  assert.equal(lines[0], 'testhost  Debian 12  kernel 6.1.0  up 1d');
  assert.equal(lines[1], 'AMD EPYC x 2  memory 4.0GiB  cgroup v1 (hybrid)');
  assert.equal(lines[2], 'containers 2 (docker 1, lxc 1)  processes 100');
  assert.match(lines[3], /^CPU {2}12\.5% {2}\s*▁█$/);
  for (const l of lines) assert.ok(l.length <= 80);
});
