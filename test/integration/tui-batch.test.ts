// Batch mode for scripts (as `top -b`): real containers, real rates on the second iteration, plain text only.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent } from '../helpers/docker.js';
import { isRoot, missing } from '../helpers/prereq.js';

const tctop = (...args: string[]) => spawnSync(process.execPath, ['bin/tctop', ...args], { encoding: 'utf8', timeout: 30_000 });

test('tctop top --batch -n 2 prints two tables; the second has rates of a busy container', (t) => {
  if (missing(t, isRoot() && dockerAvailable() && testImagePresent(), 'root, dockerd and the test image')) return;
  const name = `tui-batch-${Math.random().toString(36).slice(2, 6)}`;
  t.after(() => dockerRm(name));
  dockerRun(name, ['--memory', '32m'], ['sh', '-c', 'while :; do :; done']);
  const r = tctop('top', '--batch', '-n', '2', '-d', '1');
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!r.stdout.includes('\u001b'), 'no terminal escapes in batch output');
  const blocks = r.stdout.split(/^tctop - /m).filter(Boolean);
  assert.equal(blocks.length, 2);
  const row = (block: string) => block.split('\n').find((l) => l.startsWith(name + ' ')) ?? '';
  assert.match(row(blocks[0]), /docker\s+tctop-test\/busybox\S*\s+running\s+-\s+[\d.]+\w+ \/ 32MiB/);
  const cpu = Number(/running\s+([\d.]+)%/.exec(row(blocks[1]))?.[1]);
  assert.ok(cpu > 30 && cpu < 120, `busy loop near one core, got ${cpu}% in:\n${blocks[1]}`);
  assert.match(blocks[1], /^NAME\s+ID\s+RUNTIME\s+IMAGE\s+STATE\s+CPU%\s+MEM \/ LIMIT\s+PIDS\s+NET rx\/tx\s+IO\s+UPTIME$/m);
});

test('tctop with output that is not a terminal prints one table and exits', () => {
  const r = tctop();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split(/^tctop - /m).filter(Boolean).length, 1);
  assert.match(r.stdout, /^NAME\s+ID/m);
});

test('bad -n and -d are usage errors (exit 2, one line)', () => {
  for (const args of [
    ['top', '-b', '-n', '0'],
    ['top', '-b', '-d', 'soon'],
    ['-d', '0'],
    ['top', '-b', '-n', '1.5'],
    ['top', '-b', '--root', '/nonexistent-root'],
  ]) {
    const r = tctop(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^tctop: (bad (count|delay)|nothing to read under --root)/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});
