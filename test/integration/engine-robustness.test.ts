// The engine under stress and abuse: concurrent runs, a killed CLI, a detached one, a dead shim, an image made by
// real Docker, and bad input that must create nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { dockerAvailable, TEST_IMAGE, testImagePresent } from '../helpers/docker.js';
import { missing, sh } from '../helpers/prereq.js';
import { engineMissing, finished, IMAGE, newEngine, sleep, until } from './engine-harness.js';

/** Where the engine's cgroups are (v2: one tree; v1: the memory hierarchy stands for all). */
const TCTOP_CGROUPS = existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup/tctop' : '/sys/fs/cgroup/memory/tctop';
const tctopCgroups = () => (existsSync(TCTOP_CGROUPS) ? readdirSync(TCTOP_CGROUPS) : []); // none yet on a fresh host

test('10 concurrent runs all succeed with unique IDs and names', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const runs = await Promise.all(Array.from({ length: 10 }, () => finished(e.spawn(['run', '-d', IMAGE, 'sleep', '3600']))));
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const ids = runs.map((r) => r.stdout.trim());
  assert.equal(new Set(ids).size, 10);
  const names = ids.map((id) => e.state(id)!.name);
  assert.equal(new Set(names).size, 10);
  const running = e.ps().filter((c) => ids.includes(c.id));
  assert.equal(running.length, 10);
  assert.ok(running.every((c) => c.state === 'running'));
  // 5 at once asking for the same name: exactly one gets it
  const same = await Promise.all(
    Array.from({ length: 5 }, () => finished(e.spawn(['run', '-d', '--name', 'contested', IMAGE, 'sleep', '3600']))),
  );
  assert.equal(same.filter((r) => r.code === 0).length, 1);
  for (const r of same.filter((x) => x.code !== 0)) assert.equal(r.stderr, 'tctop: the container name "contested" is already in use\n');
  ids.push(same.find((r) => r.code === 0)!.stdout.trim());
  // and concurrent removals
  const rms = await Promise.all(ids.map((id) => finished(e.spawn(['rm', '-f', id]))));
  for (const r of rms) assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await e.settled(10_000), { processes: [], cgroupDirs: [], mounts: 0, netnsMounts: 0, stateDirs: [], nameLinks: [] });
});

test('SIGKILL of a foreground run: the container lives on and its log keeps growing; SIGINT detaches too', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const cli = e.spawn(['run', '--name', 'survivor', IMAGE, 'sh', '-c', 'i=0; while true; do echo line$i; i=$((i+1)); sleep 0.1; done']);
  const out = finished(cli);
  await until(() => e.stateDirs().length === 1 && e.state(e.stateDirs()[0])?.status === 'running', 5000, 'running');
  await sleep(300);
  cli.kill('SIGKILL');
  await out;
  assert.equal(e.inspect('survivor').state, 'running');
  const lines = () => e.ok(['logs', 'survivor']).split('\n').length;
  const n = lines();
  await sleep(500);
  assert.ok(lines() > n, 'logs continue');

  const ctrlC = e.spawn(['run', '--name', 'detached', IMAGE, 'sleep', '3600']);
  const r = finished(ctrlC);
  await until(() => e.stateDirs().length === 2 && e.inspect('detached').state === 'running', 5000, 'second running');
  ctrlC.kill('SIGINT');
  const res = await r;
  assert.equal(res.code, 130);
  assert.equal(e.inspect('detached').state, 'running', 'Ctrl-C of the CLI leaves the container running');

  // SIGTERM detaches as well; with --rm the container is still removed once it exits
  const term = e.spawn(['run', '--rm', '--name', 'termed', IMAGE, 'sleep', '3600']);
  const termed = finished(term);
  await until(() => e.stateDirs().length === 3 && e.inspect('termed').state === 'running', 5000, 'third running');
  const termedId = e.inspect('termed').id as string;
  term.kill('SIGTERM');
  assert.equal((await termed).code, 143);
  assert.equal(e.inspect('termed').state, 'running');
  e.ok(['kill', 'termed']);
  await until(() => !e.stateDirs().includes(termedId), 5000, '--rm honoured after the CLI detached');
});

test('a --rm container whose CLI was SIGKILLed is removed by a later create once it has long exited', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const cli = e.spawn(['run', '--rm', '--name', 'forgotten', IMAGE, 'sh', '-c', 'echo up; exec sleep 3600']);
  const out = finished(cli);
  // its command has run (so the CLI is past the start it could abort), not only its init seen
  await until(() => e.stateDirs().length === 1 && e.inspect('forgotten').state === 'running', 5000, 'running');
  await until(() => e.tctop(['logs', 'forgotten']).stdout === 'up\n', 5000, 'its command ran');
  const [id] = e.stateDirs();
  cli.kill('SIGKILL');
  await out;
  e.ok(['kill', 'forgotten']);
  assert.equal(e.ok(['wait', 'forgotten']), '137\n');
  e.ok(['create', IMAGE, 'true']);
  assert.ok(e.stateDirs().includes(id), 'just exited: its own CLI might still be removing it');
  // as if it had exited a minute ago
  const exitFile = join(e.root, 'containers', id, 'exit.json');
  const exit = JSON.parse(readFileSync(exitFile, 'utf8'));
  writeFileSync(exitFile, JSON.stringify({ ...exit, finishedAt: new Date(Date.now() - 60_000).toISOString() }));
  e.ok(['create', IMAGE, 'true']);
  assert.ok(!e.stateDirs().includes(id), 'removed');
});

test('a dead shim: ps and inspect say so, wait and stop do not hang, rm -f cleans up', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const id = e.runDetached(['--name', 'orphan', IMAGE, 'sleep', '3600']);
  const shimPid = e.state(id)!.shimPid;
  process.kill(shimPid, 'SIGKILL');
  await until(() => !existsSync(`/proc/${shimPid}`) || readFileSync(`/proc/${shimPid}/stat`, 'utf8').includes(') Z'), 5000, 'shim gone');
  assert.equal(e.ps().find((c) => c.id === id)?.state, 'shim-dead');
  const info = e.inspect('orphan');
  assert.equal(info.state, 'shim-dead');
  assert.equal(info.shim, null);
  const t0 = Date.now();
  const w = e.tctop(['wait', 'orphan'], { timeoutMs: 10_000 });
  assert.equal(w.status, 1);
  assert.match(w.stderr, /^tctop: the shim of container orphan \(PID \d+\) died without recording how the container ended\n$/);
  assert.ok(Date.now() - t0 < 5000);
  e.ok(['stop', '-t', '1', 'orphan'], { timeoutMs: 15_000 });
  assert.equal(
    e.ps().find((c) => c.id === id),
    undefined,
    'its processes are gone',
  );
  const stopped = e.inspect('orphan');
  assert.equal(stopped.state, 'exited');
  assert.equal(stopped.exitCode, null, 'nobody recorded the exit code');
  const w2 = e.tctop(['wait', 'orphan']);
  assert.equal(w2.status, 1);
  assert.match(w2.stderr, /^tctop: the exit code of container orphan is unknown: its shim died before recording it\n$/);
  // a new start gets a new shim
  e.ok(['start', 'orphan']);
  assert.equal(e.inspect('orphan').state, 'running');
  assert.equal(e.inspect('orphan').shim.pid, e.state(id)!.shimPid);
  // rm -f of a container whose shim died while it ran: everything goes
  process.kill(e.state(id)!.shimPid, 'SIGKILL');
  await until(() => e.inspect('orphan').state === 'shim-dead', 5000, 'shim-dead again');
  e.ok(['rm', '-f', 'orphan']);
  assert.deepEqual(await e.settled(), { processes: [], cgroupDirs: [], mounts: 0, netnsMounts: 0, stateDirs: [], nameLinks: [] });
});

test('an image made by real Docker (docker save | tctop load) runs', async (t) => {
  if (engineMissing(t) || missing(t, dockerAvailable() && testImagePresent(), `dockerd and ${TEST_IMAGE}`)) return;
  const e = newEngine(t);
  const dir = mkdtempSync(join(tmpdir(), 'tctop-save-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  sh('docker', ['save', '-o', join(dir, 'img.tar'), TEST_IMAGE]);
  e.ok(['load', '-q', '-i', join(dir, 'img.tar')]);
  assert.equal(
    e.ok(['run', '--rm', TEST_IMAGE, 'sh', '-c', 'echo $PATH; uname -s']),
    '/bin\nLinux\n',
    "the image's Env and a binary from its layer",
  );
});

test("a two-layer image from docker commit: the upper layer's files, overrides and deletions win (overlay order)", async (t) => {
  if (engineMissing(t) || missing(t, dockerAvailable() && testImagePresent(), `dockerd and ${TEST_IMAGE}`)) return;
  const e = newEngine(t);
  const tag = `tctop-test/engine-layers:${randomBytes(4).toString('hex')}`;
  const name = `tctop-test-engine-layers-${randomBytes(4).toString('hex')}`;
  t.after(() => {
    spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    spawnSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
  });
  sh('docker', [
    'run',
    '--name',
    name,
    '--label',
    'tctop-test=1',
    TEST_IMAGE,
    'sh',
    '-c',
    'rm /bin/vi; mkdir -p /etc; echo upper > /etc/motd; rm -rf /tmp; mkdir /tmp; touch /tmp/only',
  ]);
  sh('docker', ['commit', '-c', 'CMD ["cat", "/etc/motd"]', name, tag]);
  const dir = mkdtempSync(join(tmpdir(), 'tctop-save-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  sh('docker', ['save', '-o', join(dir, 'img.tar'), tag]);
  e.ok(['load', '-q', '-i', join(dir, 'img.tar')]);
  assert.equal(e.ok(['run', '--rm', tag]), 'upper\n', "the image's Cmd, the upper layer's file");
  assert.equal(
    e.ok(['run', '--rm', tag, 'sh', '-c', 'test -e /bin/vi && echo vi || echo no vi; ls /tmp; test -e /bin/ls && echo ls']),
    'no vi\nonly\nls\n',
  );
});

test('bad input: one line, non-zero exit, nothing created (no state dir, no cgroup)', (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const cgroupsBefore = new Set(tctopCgroups());
  const cases: Array<[string[], number, RegExp]> = [
    [['run', 'no-such-image'], 1, /^tctop: no such image: no-such-image$/],
    [['run', '--memory', 'lots', IMAGE, 'true'], 2, /^tctop: invalid --memory "lots"/],
    [['run', '--memory', '1k', IMAGE, 'true'], 2, /^tctop: invalid --memory "1k": the minimum is 6m$/],
    [['run', '--cpus', '0', IMAGE, 'true'], 2, /^tctop: invalid --cpus "0"/],
    [['run', '--cpus', '999', IMAGE, 'true'], 2, /^tctop: invalid --cpus "999"/],
    [['run', '--cpuset-cpus', 'x-y', IMAGE, 'true'], 2, /^tctop: invalid --cpuset-cpus "x-y"/],
    [['run', '--pids-limit', '-5', IMAGE, 'true'], 2, /^tctop: invalid --pids-limit "-5"/],
    [['run', '-v', 'relative:/x', IMAGE, 'true'], 2, /^tctop: invalid -v "relative:\/x"/],
    [['run', '-v', '/no/such/dir:/x', IMAGE, 'true'], 2, /does not exist$/],
    [['run', '--network', 'overlay', IMAGE, 'true'], 2, /^tctop: invalid --network "overlay"/],
    [['run', '-u', 'nobody-here', IMAGE, 'true'], 1, /^tctop: unable to find user nobody-here/],
    [['run', '-w', 'rel', IMAGE, 'true'], 2, /^tctop: invalid working directory "rel"/],
    [['start', 'nothing'], 1, /^tctop: no such container: nothing$/],
    [['logs', 'nothing'], 1, /^tctop: no such container: nothing$/],
    [['exec', 'nothing', 'true'], 1, /^tctop: no such container: nothing$/],
    [['stop', '-t', 'soon', 'x'], 2, /^tctop: invalid -t "soon"/],
    [['logs', '--tail', 'x', 'x'], 2, /^tctop: invalid --tail "x"/],
  ];
  for (const [args, code, stderr] of cases) {
    const r = e.tctop(args);
    assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], stderr);
  }
  assert.deepEqual(e.stateDirs(), []);
  // other tests on this host may create containers meanwhile: a new cgroup dir counts only if no shim runs for it
  const shims = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    })
    .filter((c) => c.includes('tctop-shim'))
    .join('\n');
  const leaked = tctopCgroups().filter((d) => /^[0-9a-f]{64}$/.test(d) && !cgroupsBefore.has(d) && !shims.includes(d));
  assert.deepEqual(leaked, []);
  // exec into a container that is not running
  e.ok(['create', '--name', 'idle', IMAGE, 'true']);
  const r = e.tctop(['exec', 'idle', 'true']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'tctop: container idle is not running\n');
  // not root: one line, nothing created
  for (const verb of [
    ['run', IMAGE, 'true'],
    ['create', IMAGE, 'true'],
    ['start', 'idle'],
    ['stop', 'idle'],
    ['kill', 'idle'],
    ['rm', 'idle'],
    ['logs', 'idle'],
    ['wait', 'idle'],
    ['exec', 'idle', 'true'],
    ['restart', 'idle'],
  ]) {
    const nobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, 'bin/tctop', ...verb], {
      encoding: 'utf8',
      env: e.env,
    });
    assert.equal(nobody.status, 1, `${verb[0]}: ${nobody.stderr}`);
    assert.match(nobody.stderr, /^tctop: the container engine needs root \(run tctop as root\)\n$/, verb[0]);
  }
  assert.equal(e.stateDirs().length, 1);
  assert.equal(e.inspect('idle').state, 'created');
});

test('debris of an interrupted create or rm is swept by the next create', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const half = randomBytes(32).toString('hex');
  const removing = randomBytes(32).toString('hex');
  e.ids.add(half);
  mkdirSync(join(e.root, 'containers', half, 'upper'), { recursive: true }); // created, killed before state.json
  mkdirSync(join(TCTOP_CGROUPS, half), { recursive: true });
  mkdirSync(join(e.root, 'containers', `.removing-${removing}`, 'upper'), { recursive: true }); // rm killed mid-way
  e.ok(['create', IMAGE, 'true']);
  assert.deepEqual(
    readdirSync(join(e.root, 'containers')).filter((n) => n.includes(half) || n.includes(removing)),
    [],
  );
  assert.equal(existsSync(join(TCTOP_CGROUPS, half)), false);
});
