// tctop's own engine on a systemd + cgroup v2 host: limits enforced by the kernel, stop both ways, exec, rm leaving
// no cgroup, the controllers enabled down the path, the "no internal processes" rule kept, and pause through
// the v2 freezer (cgroup.freeze).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { busyboxTarball, Engine, IMAGE, sleep, until } from '../../integration/engine-harness.js';
import { CGROUP_ROOT, cgroupProcs, containerPidOf } from './lib.js';

const cg = (id: string, file: string) => readFileSync(`${CGROUP_ROOT}/tctop/${id}/${file}`, 'utf8').trim();
const words = (path: string) => readFileSync(path, 'utf8').trim().split(/\s+/).filter(Boolean);

// One engine root and one image import for all the checks (a tctop start costs seconds under emulation); each
// check removes its containers, and the root goes at the end.
let shared: Engine | undefined;
after(() => shared?.cleanup()); // at the top level: once every check of the file has run
function engine(t: TestContext): Engine {
  if (!shared) {
    // newEngine's import, with room for a loaded host under emulation (it took over 60 s there)
    shared = new Engine(mkdtempSync(join(tmpdir(), 'tctop-engine-')));
    shared.ok(['import', busyboxTarball(), IMAGE], { timeoutMs: 300_000 });
  }
  // what this check made goes when it ends, whatever happened
  t.after(() => {
    const ids = shared!.stateDirs();
    if (ids.length) shared!.tctop(['rm', '-f', ...ids]);
  });
  return shared;
}

test('engine v2: memory.max OOM -> exit 137 and oomKilled; a kill by hand is not an OOM kill', (t) => {
  const e = engine(t);
  const r = e.tctop(['run', '--name', 'hog', '--memory', '16m', IMAGE, 'tail', '/dev/zero'], { timeoutMs: 120_000 });
  assert.equal(r.status, 137, r.stderr);
  const info = e.inspect('hog');
  assert.equal(info.state, 'exited');
  assert.equal(info.exitCode, 137);
  assert.equal(info.oomKilled, true);
  e.runDetached(['--name', 'killed', '--memory', '16m', IMAGE, 'sleep', '3600']);
  e.ok(['kill', 'killed']);
  assert.equal(e.ok(['wait', 'killed']), '137\n');
  assert.equal(e.inspect('killed').oomKilled, false);
});

test('engine v2: pids.max holds a fork bomb (bounded), the host still forks', async (t) => {
  const e = engine(t);
  const id = e.runDetached(['--pids-limit', '20', IMAGE, 'sh', '-c', 'f() { f | f & }; f; sleep 5']);
  await until(() => Number(/max (\d+)/.exec(cg(id, 'pids.events'))?.[1] ?? 0) > 0, 60_000, 'forks refused at the limit');
  assert.equal(cg(id, 'pids.max'), '20');
  assert.ok(Number(cg(id, 'pids.current')) <= 20);
  e.ok(['rm', '-f', id]);
  assert.deepEqual((await e.settled(30_000)).processes, []);
});

test('engine v2: cpu.max measured: a busy loop at --cpus 0.5 gets at most half a core', async (t) => {
  const e = engine(t);
  const id = e.runDetached(['--cpus', '0.5', IMAGE, 'sh', '-c', 'while :; do :; done']);
  assert.equal(cg(id, 'cpu.max'), '50000 100000');
  const usage = () => Number(/usage_usec (\d+)/.exec(cg(id, 'cpu.stat'))![1]);
  await sleep(500);
  const u0 = usage();
  const t0 = process.hrtime.bigint();
  await sleep(3000);
  const cores = ((usage() - u0) * 1000) / Number(process.hrtime.bigint() - t0);
  const throttled = Number(/nr_throttled (\d+)/.exec(cg(id, 'cpu.stat'))![1]);
  // the quota caps it at 0.5 (a little over for period edges); emulated vCPUs on a loaded host may give it less
  assert.ok(cores > 0.1 && cores < 0.6, `used ${cores.toFixed(2)} cores`);
  assert.ok(throttled > 0, 'nr_throttled > 0');
  e.ok(['rm', '-f', id]);
});

test('engine v2: cpuset, controllers in each parent subtree_control, no internal processes; exec joins the cgroup; rm leaves no cgroup', async (t) => {
  const e = engine(t);
  const id = e.runDetached([
    '--name',
    'lim',
    '-m',
    '64m',
    '--cpus',
    '0.5',
    '--pids-limit',
    '50',
    '--cpuset-cpus',
    '1',
    IMAGE,
    'sleep',
    '3600',
  ]);
  const init = e.inspect('lim').init.hostPid as number;
  assert.equal(cg(id, 'cpuset.cpus'), '1');
  assert.match(readFileSync(`/proc/${init}/status`, 'utf8'), /^Cpus_allowed_list:\t1$/m);
  assert.equal(cg(id, 'memory.max'), String(64 << 20));
  assert.equal(cg(id, 'pids.max'), '50');
  // every controller the engine uses is enabled in the root's and in tctop/'s subtree_control
  const wanted = ['cpu', 'memory', 'pids', 'cpuset', 'io'].filter((c) => words(`${CGROUP_ROOT}/cgroup.controllers`).includes(c));
  for (const dir of [CGROUP_ROOT, `${CGROUP_ROOT}/tctop`]) {
    const enabled = words(`${dir}/cgroup.subtree_control`);
    for (const c of wanted) assert.ok(enabled.includes(c), `${c} in ${dir}/cgroup.subtree_control (${enabled.join(' ')})`);
  }
  assert.deepEqual(
    words(`${CGROUP_ROOT}/tctop/${id}/cgroup.controllers`)
      .filter((c) => wanted.includes(c))
      .sort(),
    [...wanted].sort(),
  );
  // no internal processes: a cgroup that hands controllers to children holds no process itself
  const walk = (dir: string): void => {
    if (words(join(dir, 'cgroup.subtree_control')).length)
      assert.deepEqual(words(join(dir, 'cgroup.procs')), [], `${dir} has processes and controllers for children`);
    for (const n of readdirSync(dir, { withFileTypes: true })) if (n.isDirectory()) walk(join(dir, n.name));
  };
  walk(`${CGROUP_ROOT}/tctop`);
  // exec: the new process is in the container's cgroup and PID namespace, and inspect shows it
  const exec = e.spawn(['exec', 'lim', 'sleep', '77']);
  t.after(() => exec.kill('SIGKILL'));
  const execPid = await until(
    () => cgroupProcs(`/tctop/${id}`).find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8') === 'sleep\x0077\x00'),
    60_000,
    'the exec in the cgroup',
  );
  const shown = (e.inspect('lim').processes as Array<{ hostPid: number; containerPid: number; command: string }>).find(
    (p) => p.hostPid === execPid,
  );
  assert.equal(shown?.command, 'sleep 77');
  assert.equal(shown?.containerPid, containerPidOf(execPid));
  // stop both ways: a TERM handler exits at once; a process ignoring TERM is killed after -t
  e.runDetached(['--name', 'polite', IMAGE, 'sh', '-c', 'trap "exit 0" TERM; while :; do sleep 0.1; done']);
  e.runDetached(['--name', 'stubborn', IMAGE, 'sh', '-c', 'trap "" TERM; while :; do sleep 0.1; done']);
  let t0 = Date.now();
  e.ok(['stop', '-t', '30', 'polite']);
  const politeMs = Date.now() - t0;
  assert.ok(politeMs < 20_000, `polite stop took ${politeMs} ms (grace 30 s)`);
  assert.equal(e.inspect('polite').exitCode, 0);
  t0 = Date.now();
  e.ok(['stop', '-t', '2', 'stubborn']);
  const stubbornMs = Date.now() - t0;
  assert.ok(stubbornMs >= 2000, `stubborn stop took ${stubbornMs} ms (-t 2, then SIGKILL)`);
  assert.equal(e.inspect('stubborn').exitCode, 137);
  // rm: no process, cgroup, mount or state left
  e.ok(['rm', '-f', ...e.stateDirs()]);
  const left = await e.settled(30_000);
  assert.deepEqual(left, { processes: [], cgroupDirs: [], mounts: 0, netnsMounts: 0, stateDirs: [], nameLinks: [] });
  assert.equal(existsSync(`${CGROUP_ROOT}/tctop/${id}`), false);
});

/** The scheduler state of a process (the letter after the command in /proc/<pid>/stat). */
const procState = (pid: number) => /\) (\S) /.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];

test('engine v2: pause freezes through cgroup.freeze (a busy loop stops using CPU), ps and inspect show paused; unpause resumes it', async (t) => {
  const e = engine(t);
  const id = e.runDetached(['--name', 'frozen', IMAGE, 'sh', '-c', 'while :; do :; done']);
  const init = e.inspect('frozen').init.hostPid as number;
  const usage = () => Number(/usage_usec (\d+)/.exec(cg(id, 'cpu.stat'))![1]);
  /** CPU microseconds the container used over ms of wall time. */
  const used = async (ms: number) => {
    const u0 = usage();
    await sleep(ms);
    return usage() - u0;
  };
  assert.equal(procState(init), 'R', 'the busy loop runs before pause');
  e.ok(['pause', 'frozen']);
  assert.equal(cg(id, 'cgroup.freeze'), '1');
  assert.match(cg(id, 'cgroup.events'), /^frozen 1$/m, 'the kernel says the freeze completed');
  // a v2-frozen task waits in the freezer's trap, interruptible: 'S' where it was 'R'
  for (const pid of cgroupProcs(`/tctop/${id}`)) assert.equal(procState(pid), 'S', `host PID ${pid} frozen`);
  assert.equal(await used(2000), 0, 'no CPU used while frozen');
  assert.equal(e.inspect('frozen').state, 'paused');
  assert.equal(e.ps().find((r) => r.id === id)?.state, 'paused');
  const again = e.tctop(['pause', 'frozen']);
  assert.equal(again.status, 1);
  assert.equal(again.stderr, 'tctop: container frozen is already paused\n');
  e.ok(['unpause', 'frozen']);
  assert.equal(cg(id, 'cgroup.freeze'), '0');
  assert.match(cg(id, 'cgroup.events'), /^frozen 0$/m);
  const resumed = await used(2000);
  assert.ok(resumed > 50_000, `the loop runs again after unpause (${resumed} us of CPU in 2 s)`);
  assert.equal(procState(init), 'R');
  assert.equal(e.inspect('frozen').state, 'running');
});
