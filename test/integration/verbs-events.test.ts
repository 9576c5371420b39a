// `tctop events` against real Docker and tctop's own engine: start, die with its exit code, the OOM killer, exec,
// pause, destroy, each within a second of happening, in docker's JSON layout; and --since replaying the past.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { test, type TestContext } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent, TEST_IMAGE } from '../helpers/docker.js';
import { isRoot, missing, sh } from '../helpers/prereq.js';
import { tctop } from '../helpers/runtimes.js';
import { engineMissing, IMAGE, newEngine, type Engine } from './engine-harness.js';

interface EventJson {
  status: string;
  id: string;
  from: string;
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  time: number;
  timeNano: number;
  runtime: string;
}

/** `tctop events --format json` for one container name, its lines collected as they come. */
class EventWatch {
  readonly lines: Array<{ e: EventJson; at: number }> = [];
  private readonly child: ChildProcess;
  private buf = '';

  constructor(name: string, env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(process.execPath, ['bin/tctop', 'events', '--format', 'json', '--filter', `container=${name}`], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.buf += d.toString();
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        this.lines.push({ e: JSON.parse(this.buf.slice(0, nl)), at: Date.now() });
        this.buf = this.buf.slice(nl + 1);
      }
    });
  }

  async ready(): Promise<void> {
    await new Promise((r) => setTimeout(r, 1500)); // node start and the baseline scan
  }

  async waitFor(action: string, timeoutMs = 5000): Promise<{ e: EventJson; at: number }> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find((l) => l.e.Action === action || l.e.Action.startsWith(`${action}:`));
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`no ${action} event in ${timeoutMs} ms; saw ${this.lines.map((l) => l.e.Action).join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  stop(): Promise<unknown> {
    this.child.kill('SIGINT');
    return new Promise((r) => this.child.on('close', r));
  }
}

function dockerReady(t: TestContext): boolean {
  if (missing(t, isRoot(), 'root')) return false;
  if (missing(t, dockerAvailable(), 'a running dockerd (bash test/prereqs.sh)')) return false;
  return !missing(t, testImagePresent(), `image ${TEST_IMAGE} (bash test/prereqs.sh)`);
}

/** The container exits 3 after a moment; meanwhile one exec. */
const EXITS_3 = ['sh', '-c', 'sleep 4; exit 3'];
/**
 * Exits 3 once told to (a line in its FIFO), so a loaded machine's slow docker commands cannot outlast it; it blocks
 * in read, so it forks nothing meanwhile (a polling loop's children would crowd the exec the test looks for).
 */
const EXITS_3_WHEN_TOLD = ['sh', '-c', 'mkfifo /tmp/exit-now && read line < /tmp/exit-now; exit 3'];
/**
 * Allocates past its 32 MiB limit as the container's only process, so the OOM killer can pick nothing else: busybox
 * tail keeps the "last lines" of /dev/zero, which has no newline. (A pipeline let the killer pick `tr`, and the
 * container then exited 0.)
 */
const OOMS = ['tail', '/dev/zero'];

test("events: a Docker container's create, start, exec, pause, die with exit code 3, destroy; and an OOM kill", {
  timeout: 90_000,
}, async (t) => {
  if (!dockerReady(t)) return;
  const name = `tctop-events-${process.pid}`;
  const oomName = `${name}-oom`;
  t.after(() => dockerRm(name, oomName));
  const w = new EventWatch(name);
  t.after(() => w.stop());
  await w.ready();
  const startedAt = Date.now();
  dockerRun(name, ['--pull', 'never', '--network', 'none'], EXITS_3_WHEN_TOLD);
  const start = await w.waitFor('start');
  assert.ok(start.at - startedAt < 2500, `start shown within a second of docker run returning (${start.at - startedAt} ms)`);
  assert.equal(start.e.Type, 'container');
  assert.equal(start.e.runtime, 'docker');
  assert.equal(start.e.from, TEST_IMAGE);
  assert.equal(start.e.Actor.Attributes.name, name);
  assert.equal(start.e.Actor.Attributes['tctop-test'], '1', "the container's labels among the attributes, as docker's");
  assert.equal(start.e.Actor.ID, start.e.id);
  assert.equal(start.e.id, sh('docker', ['inspect', '-f', '{{.Id}}', name]).trim());
  sh('docker', ['exec', '-d', name, 'sleep', '30']);
  const exec = await w.waitFor('exec_start');
  assert.equal(exec.e.Action, 'exec_start: sleep 30', "docker's action carries the command");
  sh('docker', ['pause', name]);
  await w.waitFor('pause');
  sh('docker', ['unpause', name]);
  await w.waitFor('unpause');
  // detached: the init's exit kills this exec's shell at once, and an attached docker exec then failed with 137
  sh('docker', ['exec', '-d', name, 'sh', '-c', 'echo go > /tmp/exit-now']);
  const die = await w.waitFor('die');
  const exited = Date.parse(sh('docker', ['inspect', '-f', '{{.State.FinishedAt}}', name]).trim());
  assert.equal(die.e.Actor.Attributes.exitCode, '3');
  assert.ok(die.at - exited < 1500, `die shown within a second of the exit (${die.at - exited} ms)`);
  assert.ok(String(die.e.timeNano).length >= 19 && Math.abs(die.e.time - die.e.timeNano / 1e9) < 1);
  sh('docker', ['rm', name]);
  await w.waitFor('destroy');

  const ow = new EventWatch(oomName);
  t.after(() => ow.stop());
  await ow.ready();
  dockerRun(oomName, ['--pull', 'never', '--network', 'none', '-m', '32m', '--memory-swap', '32m'], OOMS);
  await ow.waitFor('oom', 15_000);
  const oomDie = await ow.waitFor('die', 5000);
  assert.equal(oomDie.e.Actor.Attributes.exitCode, '137');
  const order = ow.lines.map((l) => l.e.Action);
  assert.ok(order.indexOf('oom') < order.indexOf('die'), `oom before die: ${order}`);
});

async function ownContainerEvents(t: TestContext, e: Engine): Promise<void> {
  const name = `events-own-${process.pid}`;
  const w = new EventWatch(name, e.env);
  t.after(() => w.stop());
  await w.ready();
  e.runDetached(['--name', name, IMAGE, ...EXITS_3]);
  await w.waitFor('start');
  const die = await w.waitFor('die');
  assert.equal(die.e.runtime, 'tctop');
  assert.equal(die.e.Actor.Attributes.exitCode, '3');
  e.ok(['rm', name]);
  await w.waitFor('destroy');

  const oomName = `${name}-oom`;
  const ow = new EventWatch(oomName, e.env);
  t.after(() => ow.stop());
  await ow.ready();
  e.runDetached(['--name', oomName, '-m', '32m', IMAGE, ...OOMS]);
  await ow.waitFor('oom', 15_000);
  const oomDie = await ow.waitFor('die');
  assert.equal(oomDie.e.Actor.Attributes.exitCode, '137');
}

test("events: tctop's own container: start, die with exit code 3, destroy, OOM kill", { timeout: 90_000 }, async (t) => {
  if (engineMissing(t)) return;
  await ownContainerEvents(t, newEngine(t));
});

test('events --since replays what the runtimes recorded; --until ends the stream; bad input is refused', { timeout: 60_000 }, async (t) => {
  if (!dockerReady(t)) return;
  const name = `tctop-events-past-${process.pid}`;
  t.after(() => dockerRm(name));
  spawnSync(
    'docker',
    ['run', '--pull', 'never', '--name', name, '--label', 'tctop-test=1', '--network', 'none', TEST_IMAGE, 'sh', '-c', 'exit 5'],
    { stdio: 'ignore' },
  );
  const r = tctop('events', '--since', '5m', '--until', '0s', '--format', 'json', '--filter', `container=${name}`);
  assert.equal(r.status, 0);
  const actions = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as EventJson);
  assert.deepEqual(
    actions.map((a) => a.Action),
    ['create', 'start', 'die'],
  );
  assert.equal(actions[2].Actor.Attributes.exitCode, '5');
  const text = tctop('events', '--since', '5m', '--until', '0s', '--filter', `container=${name}`, '--filter', 'event=died');
  assert.match(
    text.stdout,
    new RegExp(
      `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z container die [0-9a-f]{64} \\(exitCode=5, image=${TEST_IMAGE.replace(/[/.]/g, '\\$&')}, name=${name}, runtime=docker, tctop-test=1\\)\\n$`,
    ),
  );
  for (const args of [
    ['--since', 'yesterday'],
    ['--filter', 'event=exploded'],
    ['--filter', 'colour=red'],
    ['--format', '{{.ID}}'],
    ['--since', '1m', '--until', '2m'],
  ]) {
    const bad = tctop('events', ...args);
    assert.equal(bad.status, 2, `${args.join(' ')} is a usage error`);
    assert.match(bad.stderr, /^tctop: /);
  }
});
