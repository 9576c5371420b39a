// Terminals and attach, with the real thing: a shell in a container driven through a real pseudo-terminal (tmux,
// as the dashboard tests), resized, interrupted, detached from and re-attached to, its client SIGKILLed; exec -it;
// -i over a pipe; start -a -i. Every pane runs bin/tctop as a user would type it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isRoot, missing } from '../helpers/prereq.js';
import { engineMissing, IMAGE, newEngine, sleep, until, type Engine } from './engine-harness.js';
import { TmuxDashboard, tmuxAvailable } from './tui-harness.js';

function needTty(t: TestContext): boolean {
  return engineMissing(t) || missing(t, isRoot(), 'root') || missing(t, tmuxAvailable(), 'tmux');
}

/** A pane running `tctop <args>` against the test's root and bridge (never the host's default tctop0); closed after the test. */
function pane(t: TestContext, e: Engine, args: string[], size = { width: 100, height: 30 }): TmuxDashboard {
  const p = new TmuxDashboard(args, size, { TCTOP_ROOT: e.root, TCTOP_NETWORK_BRIDGE: e.bridge });
  t.after(() => p.close());
  return p;
}

/** Types a command line and waits for what it prints. */
async function typed(p: TmuxDashboard, line: string, expect: RegExp): Promise<string> {
  p.type(line);
  p.keys('Enter');
  return p.waitFor(expect, 10_000, `${line} -> ${expect}`);
}

test('run -it: a real shell on /dev/pts, its window size following the client, Ctrl-C to the container, its exit code', async (t) => {
  if (needTty(t)) return;
  const e = newEngine(t);
  const p = pane(t, e, ['run', '-it', '--name', 'shell', IMAGE, 'sh']);
  await p.waitFor(/^\/ #/m, 15_000, 'the prompt');
  await typed(p, 'tty; stty size', /^\/dev\/pts\/0\n30 100$/m);
  p.resize(120, 40);
  await sleep(300);
  await typed(p, 'stty size', /^40 120$/m);
  // job control: the interrupt reaches the container's foreground job, the shell and the CLI live on
  p.type('sleep 30; echo after-sleep $?');
  p.keys('Enter');
  await sleep(500);
  p.keys('C-c');
  await typed(p, 'echo survived', /^survived$/m);
  assert.doesNotMatch(p.screen(), /^after-sleep/m, 'the sequence was interrupted as a whole, in the container');
  assert.equal(p.exitCode(), undefined, 'the CLI was not interrupted');
  p.type('exit 3');
  p.keys('Enter');
  assert.equal(await p.waitExit(10_000), 3, "the shell's exit code is run's");
  const log = readFileSync(join(e.root, 'containers', e.inspect('shell').id, 'container.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(log.length > 0 && log.every((r) => r.stream === 'stdout'), 'a tty is logged as stdout, as docker');
  assert.match(e.ok(['logs', 'shell']), /survived/);
});

test('detach with Ctrl-P Ctrl-Q, re-attach at another size, a SIGKILLed client, attach again and exit', async (t) => {
  if (needTty(t)) return;
  const e = newEngine(t);
  const first = pane(t, e, ['run', '-it', '--name', 'keep', IMAGE, 'sh']);
  await first.waitFor(/^\/ #/m, 15_000, 'the prompt');
  await typed(first, 'echo one', /^one$/m);
  first.keys('C-p', 'C-q');
  assert.equal(await first.waitExit(10_000), 0, 'detaching ends the CLI with 0');
  assert.equal(e.inspect('keep').state, 'running', 'detaching leaves the container running');

  const second = pane(t, e, ['attach', 'keep'], { width: 70, height: 20 });
  await sleep(500);
  await typed(second, 'stty size', /^20 70$/m);
  const client = await until(() => second.dashboardPid(), 5000, 'the attach client');
  process.kill(client, 'SIGKILL');
  assert.equal(await second.waitExit(10_000), 137);
  await sleep(300);
  assert.equal(e.inspect('keep').state, 'running', 'a SIGKILLed client leaves the container running');

  const third = pane(t, e, ['attach', 'keep'], { width: 90, height: 25 });
  await sleep(500);
  await typed(third, 'echo back; stty size', /^back\n25 90$/m);
  third.type('exit 7');
  third.keys('Enter');
  assert.equal(await third.waitExit(10_000), 7);
  assert.equal(e.inspect('keep').state, 'exited');
  assert.match(e.ok(['logs', 'keep']), /one[\s\S]*back/);
});

test('run -itd, then exec -it: a shell on a pty of the container, resized, interrupted, its exit code; then attach', async (t) => {
  if (needTty(t)) return;
  const e = newEngine(t);
  e.runDetached(['-it', '--name', 'box', IMAGE, 'sh']); // run -d -it: the combined -itd
  assert.equal(e.state(e.inspect('box').id)?.config.tty, true);
  const p = pane(t, e, ['exec', '-it', 'box', 'sh'], { width: 80, height: 24 });
  await p.waitFor(/^\/ #/m, 15_000, 'the prompt');
  await typed(p, 'tty; stty size', /^\/dev\/pts\/\d+\n24 80$/m);
  p.resize(100, 35);
  await sleep(300);
  await typed(p, 'stty size', /^35 100$/m);
  p.type('sleep 30');
  p.keys('Enter');
  await sleep(400);
  p.keys('C-c');
  await typed(p, 'echo alive', /^alive$/m);
  p.type('exit 4');
  p.keys('Enter');
  assert.equal(await p.waitExit(10_000), 4);
  assert.equal(e.inspect('box').state, 'running', 'the container is untouched');
  const attached = pane(t, e, ['attach', 'box'], { width: 60, height: 15 });
  await sleep(500);
  await typed(attached, 'tty; stty size', /^\/dev\/pts\/0\n15 60$/m);
  attached.type('exit');
  attached.keys('Enter');
  assert.equal(await attached.waitExit(10_000), 0);
});

test('-i without -t: stdin over a pipe (echo hi | tctop run -i IMAGE cat), and without -i no stdin', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const r = e.tctop(['run', '--rm', '-i', IMAGE, 'cat'], { input: 'hi\nthere\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'hi\nthere\n');
  const split = e.tctop(['run', '--rm', '-i', IMAGE, 'sh', '-c', 'read x; echo "out:$x"; echo "err:$x" >&2; exit 5'], { input: 'v\n' });
  assert.equal(split.status, 5);
  assert.equal(split.stdout, 'out:v\n');
  assert.equal(split.stderr, 'err:v\n');
  // a command that ends before the client connects: its output still arrives, whole, with its code
  for (let i = 0; i < 5; i++) {
    const quick = e.tctop(['run', '--rm', '-i', IMAGE, 'sh', '-c', 'echo quick; exit 2']);
    assert.deepEqual([quick.status, quick.stdout], [2, 'quick\n'], `round ${i}: ${quick.stderr}`);
  }
  const none = e.tctop(['run', '--rm', IMAGE, 'cat'], { input: 'ignored\n' });
  assert.equal(none.status, 0);
  assert.equal(none.stdout, '', 'without -i the container reads /dev/null, as docker');
  e.runDetached(['--name', 'box', IMAGE, 'sleep', '300']);
  assert.equal(e.tctop(['exec', '-i', 'box', 'cat'], { input: 'x\n' }).stdout, 'x\n');
  assert.equal(e.tctop(['exec', 'box', 'cat'], { input: 'x\n' }).stdout, '');
  // create -i, then start -a -i: the same pipe
  const id = e.ok(['create', '-i', '--name', 'later', IMAGE, 'sh', '-c', 'read x; echo "got $x"']).trim();
  const started = e.tctop(['start', '-a', '-i', 'later'], { input: 'it\n' });
  assert.equal(started.status, 0, started.stderr);
  assert.equal(started.stdout, 'got it\n');
  assert.equal(e.state(id)?.config.openStdin, true);
  assert.equal(e.tctop(['run', '--detach-keys', 'ctrl-', IMAGE, 'true']).status, 2, 'a bad --detach-keys is a usage error');
});
