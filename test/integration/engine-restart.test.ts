// --restart, kept by the shim (no daemon): on-failure:N counted and then over, always restarted until `stop` ends it
// for good, the init's PID followed across restarts, docker's backoff between them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { engineMissing, IMAGE, newEngine, sleep, until } from './engine-harness.js';

test('on-failure:2 with a failing command: two restarts, then exited with its code; inspect shows restartCount', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const id = e.runDetached(['--name', 'flaky', '--restart', 'on-failure:2', IMAGE, 'sh', '-c', 'echo attempt; exit 3']);
  const c = await until(
    () => {
      const s = e.inspect('flaky');
      return s.state === 'exited' && s;
    },
    15_000,
    'the container to end',
  );
  assert.equal(c.restartCount, 2);
  assert.equal(c.exitCode, 3);
  assert.equal(e.ok(['logs', 'flaky']), 'attempt\nattempt\nattempt\n', 'three runs: the first and two restarts');
  const run = JSON.parse(readFileSync(join(e.root, 'containers', id, 'run.json'), 'utf8'));
  assert.equal(run.restartCount, 2);
  assert.equal(run.lastExitCode, 3);
  assert.equal(e.ok(['wait', 'flaky']), '3\n');
  // a command that succeeds is not restarted by on-failure
  e.runDetached(['--name', 'fine', '--restart', 'on-failure', IMAGE, 'true']);
  await until(() => e.inspect('fine').state === 'exited', 10_000, 'fine to exit');
  await sleep(400);
  assert.equal(e.inspect('fine').restartCount, 0);
  assert.equal(e.tctop(['run', '--restart', 'sometimes', IMAGE, 'true']).status, 2, 'a bad policy is a usage error');
  assert.equal(e.tctop(['run', '--restart', 'always:3', IMAGE, 'true']).status, 2);
  assert.equal(e.tctop(['run', '--rm', '--restart', 'always', IMAGE, 'true']).status, 2);
});

test('always: restarted with docker backoff, the new init followed; stop ends it for good; kill -s KILL lets it restart', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const started = Date.now();
  const loopId = e.runDetached(['--name', 'loop', '--restart', 'always', IMAGE, 'sh', '-c', 'echo run; exit 0']);
  await until(() => (e.inspect('loop').restartCount ?? 0) >= 4, 15_000, 'four restarts');
  // backoff 100, 200, 400, 800 ms before restarts 1-4: at least 1.5 s in all
  assert.ok(Date.now() - started >= 1400, `four restarts took ${Date.now() - started} ms: no backoff?`);
  // each run's line, timed by the shim's log record (nanoseconds)
  const times = readFileSync(join(e.root, 'containers', loopId, 'container.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => Date.parse(JSON.parse(l).time));
  const gaps = times.slice(1).map((x, i) => x - times[i]);
  assert.ok(gaps[0] >= 90 && gaps[1] >= 190 && gaps[2] >= 390, `gaps between runs ${gaps.join(', ')} ms should double from 100`);
  // between runs (the backoff is 1.6 s by now) it shows as docker's "restarting", not as a dead shim
  await until(() => e.ps(true).find((c) => c.name === 'loop')?.state === 'restarting', 5000, 'ps to show restarting');
  e.ok(['stop', 'loop']);
  const count = e.inspect('loop').restartCount;
  await sleep(2000);
  const after = e.inspect('loop');
  assert.equal(after.state, 'exited', 'stop ended it for good');
  assert.equal(after.restartCount, count, 'no restart after stop');
  assert.deepEqual((await e.settled()).processes, []);

  e.runDetached(['--name', 'long', '--restart', 'always', IMAGE, 'sleep', '300']);
  const before = e.state(e.inspect('long').id)!.pid;
  e.ok(['kill', '-s', 'KILL', 'long']);
  await until(() => e.inspect('long').restartCount === 1, 10_000, 'a restart after kill -s KILL');
  const readState = await import('../../src/engine/containers/state.js');
  const now = readState.readState(e.root, e.inspect('long').id)!;
  assert.notEqual(now.pid, before, "the engine follows the new init's PID");
  assert.match(e.ok(['exec', 'long', 'cat', '/proc/1/cmdline']), /^sleep\x00300\x00$/);
  e.ok(['stop', '-t', '1', 'long']);
  assert.equal(e.inspect('long').state, 'exited');
  e.ok(['rm', 'loop', 'long']);
  assert.deepEqual(await e.settled(), { processes: [], cgroupDirs: [], mounts: 0, netnsMounts: 0, stateDirs: [], nameLinks: [] });
});
