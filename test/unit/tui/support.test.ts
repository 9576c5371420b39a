import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planAction } from '../../../src/tui/actions.js';
import { History } from '../../../src/tui/history.js';
import { coalesce, stateDirectories } from '../../../src/tui/watch.js';
import type { RuntimeName } from '../../../src/snapshot/model.js';

test('only state directories that exist are watched, under the given root and $TCTOP_ROOT', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tctop-watch-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'var/lib/docker/containers'), { recursive: true });
  mkdirSync(join(root, 'var/lib/lxc'), { recursive: true });
  mkdirSync(join(root, 'tctop/containers'), { recursive: true });
  const dirs = stateDirectories(root, { TCTOP_ROOT: '/tctop' }); // the engine root is a host path too: under --root
  assert.deepEqual(
    dirs.map((d) => [d.path.slice(root.length), d.runtime, d.depth]),
    [
      ['/var/lib/docker/containers', 'docker', 0],
      ['/var/lib/lxc', 'lxc', 0],
      ['/tctop/containers', 'tctop', 1],
    ],
  );
});

test('every runtime other than tctop gets a hint naming its own tool; tctop goes to the engine', () => {
  const hints: Record<RuntimeName, RegExp> = {
    docker: /docker stop web/,
    podman: /podman stop web/,
    containerd: /ctr task kill web/,
    'cri-o': /crictl stop web/,
    sandbox: /crictl stopp web/,
    lxc: /lxc-stop -n web/,
    nspawn: /machinectl poweroff web/,
    runc: /runc kill web/,
    tctop: /^$/,
  };
  for (const [runtime, hint] of Object.entries(hints) as Array<[RuntimeName, RegExp]>) {
    const plan = planAction('stop', { id: 'f'.repeat(64), name: 'web', runtime });
    if (runtime === 'tctop') assert.deepEqual(plan, { kind: 'engine', argv: ['stop', 'f'.repeat(64)] });
    else
      assert.ok(
        plan.kind === 'foreign' && hint.test(plan.message) && plan.message.startsWith(`managed by ${runtime}`),
        `${runtime}: ${JSON.stringify(plan)}`,
      );
  }
  const evil = planAction('kill', { id: 'x', name: 'a\u001b]2;t\u0007', runtime: 'lxc' });
  assert.ok(evil.kind === 'foreign' && !evil.message.includes('\u001b'));
});

test('history keeps the newest values up to its length, each key its own series', () => {
  const h = new History(3);
  for (let i = 1; i <= 5; i++) h.push('a', i);
  h.push('b', 9);
  assert.deepEqual(h.get('a'), [3, 4, 5]);
  assert.deepEqual(h.get('b'), [9]);
  assert.deepEqual(h.get('c'), []);
});

test('watcher bursts become one call after a quiet spell, bounded in wait and in rate', async () => {
  let clock = 0;
  const calls: number[] = [];
  const c = coalesce(
    () => calls.push(clock),
    { quietMs: 30, maxWaitMs: 100, gapMs: 200 },
    () => clock,
  );
  const tick = async (ms: number) => {
    clock += ms;
    await new Promise((r) => setTimeout(r, ms));
  };
  c.call();
  await tick(10);
  c.call();
  assert.deepEqual(calls, [], 'waits for the burst to end');
  await tick(60);
  assert.equal(calls.length, 1, 'one call once quiet');
  c.call();
  await tick(60);
  assert.equal(calls.length, 1, 'not again within the gap');
  await tick(200);
  assert.equal(calls.length, 2, 'the change is not lost: it fires when the gap ends');
  c.call();
  c.cancel();
  await tick(300);
  assert.equal(calls.length, 2, 'cancel drops the pending call');
});
