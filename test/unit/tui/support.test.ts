import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planAction } from '../../../src/tui/actions.js';
import { History } from '../../../src/tui/history.js';
import { stateDirectories, throttle } from '../../../src/tui/watch.js';
import type { RuntimeName } from '../../../src/snapshot/model.js';

test('only state directories that exist are watched, under the given root and $TCTOP_ROOT', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tctop-watch-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'var/lib/docker/containers'), { recursive: true });
  mkdirSync(join(root, 'var/lib/lxc'), { recursive: true });
  mkdirSync(join(root, 'tctop/containers'), { recursive: true });
  const dirs = stateDirectories(root, { TCTOP_ROOT: join(root, 'tctop') });
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
    else assert.ok(plan.kind === 'foreign' && hint.test(plan.message) && plan.message.startsWith(`managed by ${runtime}`), `${runtime}: ${JSON.stringify(plan)}`);
  }
  const evil = planAction('kill', { id: 'x', name: 'a\u001b]2;t\u0007', runtime: 'lxc' });
  assert.ok(evil.kind === 'foreign' && !evil.message.includes('\u001b'));
});

test('history keeps the newest values up to its length and forgets dropped keys', () => {
  const h = new History(3);
  for (let i = 1; i <= 5; i++) h.push('a', i);
  h.push('b', 9);
  assert.deepEqual(h.get('a'), [3, 4, 5]);
  h.retain((k) => k === 'a');
  assert.deepEqual(h.get('b'), []);
  assert.deepEqual(h.get('a'), [3, 4, 5]);
});

test('watcher bursts become one call now and one trailing call per gap', async () => {
  let calls = 0;
  const t = throttle(() => calls++, 100);
  t.call();
  assert.equal(calls, 1, 'first change acts at once');
  for (let i = 0; i < 20; i++) t.call();
  assert.equal(calls, 1);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(calls, 2, 'one trailing call for the burst');
  t.call();
  assert.equal(calls, 2, 'still within the gap after the trailing call');
  t.cancel();
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(calls, 2, 'cancel drops the pending call');
});
