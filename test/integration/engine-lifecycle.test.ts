// The lifecycle verbs on real containers: logs (--tail, -f), exec (seen by inspect), stop timing both ways,
// kill -s, restart, wait, rm / rm -f with the host counted before and after, names and prefixes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { engineMissing, finished, IMAGE, newEngine, sleep, until } from './engine-harness.js';

test('logs: both streams, --tail, -f follows until the container exits', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  e.ok(['run', '--name', 'lines', IMAGE, 'sh', '-c', 'for i in 1 2 3 4 5; do echo out$i; sleep 0.05; echo err$i >&2; sleep 0.05; done']);
  const all = e.tctop(['logs', 'lines']);
  assert.equal(all.stdout, 'out1\nout2\nout3\nout4\nout5\n');
  assert.equal(all.stderr, 'err1\nerr2\nerr3\nerr4\nerr5\n');
  const tail = e.tctop(['logs', '--tail', '2', 'lines']);
  assert.equal(tail.stdout, 'out5\n');
  assert.equal(tail.stderr, 'err5\n');
  assert.equal(e.tctop(['logs', '--tail', '0', 'lines']).stdout, '');
  // a reader that goes away is not an error (no EPIPE stack trace), for logs and logs -f alike
  e.runDetached(['--name', 'chatty', IMAGE, 'sh', '-c', 'seq 1 200000; sleep 3600']);
  await until(() => e.ok(['logs', '--tail', '1', 'chatty']) === '200000\n', 10_000, 'all output logged');
  for (const follow of [[], ['-f']]) {
    const piped = spawnSync('sh', ['-c', `node bin/tctop logs ${follow.join(' ')} chatty | head -1`], {
      encoding: 'utf8',
      env: e.env,
      timeout: 10_000,
    });
    assert.equal(piped.signal, null, `logs ${follow.join(' ')} | head ended (no timeout)`);
    assert.equal(piped.stdout.split('\n')[0], '1');
    assert.equal(piped.stderr, '', `no error from logs ${follow.join(' ')}`);
  }

  e.runDetached(['--name', 'ticker', IMAGE, 'sh', '-c', 'for i in 1 2 3 4 5 6; do echo tick$i; sleep 0.3; done']);
  const follow = finished(e.spawn(['logs', '-f', 'ticker']));
  const r = await follow;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'tick1\ntick2\ntick3\ntick4\ntick5\ntick6\n', '-f printed everything and ended with the container');
});

test('exec: runs in the container (its namespaces, env, user), shows in inspect, exit code propagates', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const id = e.runDetached(['--name', 'box', '-e', 'FOO=bar', IMAGE, 'sleep', '3600']);
  assert.equal(
    e.ok(['exec', 'box', 'sh', '-c', 'echo $FOO; hostname; cat /proc/1/cmdline | tr "\\0" " "; echo']),
    `bar\n${id.slice(0, 12)}\nsleep 3600 \n`,
  );
  assert.equal(e.tctop(['exec', 'box', 'sh', '-c', 'exit 7']).status, 7);
  assert.equal(e.ok(['exec', '-u', 'app', 'box', 'id', '-u']), '1000\n');
  assert.equal(e.ok(['exec', 'box', 'ls', '-d', '/bin']), '/bin\n', 'flags after the command pass through');
  const exec = e.spawn(['exec', 'box', 'sleep', '30']);
  t.after(() => exec.kill('SIGKILL'));
  const seen = await until(
    () => {
      const procs = e.inspect('box').processes as Array<{ command: string; containerPid: number; hostPid: number }>;
      return procs.find((p) => p.command.startsWith('sleep 30'));
    },
    5000,
    "the exec'd process in inspect",
  );
  assert.ok(seen.containerPid > 1, "it has a PID in the container's namespace");
  // exactly the init and the exec'd sleep: the exec shim waiting for it stays outside the container's cgroup
  const procs = e.inspect('box').processes as Array<{ command: string; containerPid: number; hostPid: number }>;
  assert.deepEqual(procs.map((p) => p.command).sort(), ['sleep 30', 'sleep 3600']);
  assert.ok(
    procs.every((p) => p.containerPid !== p.hostPid),
    'every member has its own PID in the container',
  );
  exec.kill('SIGKILL');
});

test('stop: a TERM handler exits quickly; a process ignoring TERM is killed after -t', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  e.runDetached(['--name', 'polite', IMAGE, 'sh', '-c', 'trap "echo bye; exit 0" TERM; while true; do sleep 0.05; done']);
  e.runDetached(['--name', 'stubborn', IMAGE, 'sleep', '3600']); // PID 1 without a handler: TERM does nothing
  await sleep(200);
  let t0 = Date.now();
  e.ok(['stop', '-t', '10', 'polite']);
  const politeMs = Date.now() - t0;
  assert.ok(politeMs < 3000, `polite stop took ${politeMs} ms (the grace period was 10 s)`);
  assert.equal(e.inspect('polite').exitCode, 0);
  assert.equal(e.ok(['logs', 'polite']), 'bye\n');
  t0 = Date.now();
  e.ok(['stop', '-t', '1', 'stubborn']);
  const stubbornMs = Date.now() - t0;
  assert.ok(stubbornMs >= 1000 && stubbornMs < 4000, `stubborn stop took ${stubbornMs} ms (-t 1, then SIGKILL)`);
  assert.equal(e.inspect('stubborn').exitCode, 137);
  assert.equal(e.ok(['stop', 'stubborn']), 'stubborn\n', 'stopping a stopped container is fine');
});

test('kill -s, restart, wait', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  e.runDetached(['--name', 'k', IMAGE, 'sh', '-c', 'trap "exit 42" USR1; while true; do sleep 0.05; done']);
  await sleep(200);
  const waiter = finished(e.spawn(['wait', 'k']));
  e.ok(['kill', '-s', 'USR1', 'k']);
  const w = await waiter;
  assert.equal(w.stdout, '42\n');
  assert.equal(e.inspect('k').exitCode, 42);
  const killAgain = e.tctop(['kill', 'k']);
  assert.equal(killAgain.status, 1);
  assert.match(killAgain.stderr, /^tctop: container k is not running\n$/);
  assert.equal(e.tctop(['kill', '-s', 'BOGUS', 'k']).status, 2);

  const id = e.runDetached(['--name', 'r', IMAGE, 'sh', '-c', 'echo started; sleep 3600']);
  const before = e.state(id)!;
  e.ok(['restart', '-t', '0', 'r']);
  const after = e.state(id)!;
  assert.equal(after.status, 'running');
  assert.notEqual(after.pid, before.pid);
  assert.equal(e.inspect('r').state, 'running');
  await until(() => e.ok(['logs', 'r']) === 'started\nstarted\n', 3000, 'both runs in the log');
  e.ok(['kill', 'r']);
  assert.equal(e.ok(['wait', 'r']), '137\n');
  e.ok(['start', 'r']);
  assert.equal(e.inspect('r').state, 'running', 'start brings an exited container back');
});

test('rm refuses a running container, rm -f removes it; the host is as before', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const before = e.leftovers();
  const id = e.runDetached([
    '--name',
    'busy',
    '--memory',
    '32m',
    '--cpus',
    '0.5',
    '--pids-limit',
    '30',
    IMAGE,
    'sh',
    '-c',
    'sleep 3600 & sleep 3600 & wait',
  ]);
  const during = e.leftovers();
  assert.equal(during.stateDirs.length, 1);
  assert.ok(during.processes.length >= 4, `shim, init and two children: ${during.processes}`);
  assert.ok(during.cgroupDirs.length >= 4, `memory, cpu, pids... : ${during.cgroupDirs}`);
  assert.deepEqual(during.nameLinks, [`${id}.busy`], 'its name where discovery finds it by ID alone');
  assert.equal(during.mounts, 0, "the rootfs is mounted in the container's own mount namespace only");
  const refused = e.tctop(['rm', 'busy']);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /^tctop: cannot remove running container busy: stop it first or use rm -f\n$/);
  assert.equal(e.ok(['rm', '-f', 'busy']), 'busy\n');
  assert.deepEqual(await e.settled(), before);
  assert.equal(e.tctop(['inspect', id]).status, 1);
  // a stopped one needs no -f
  e.ok(['run', '--name', 'done', IMAGE, 'true']);
  assert.equal(e.ok(['rm', 'done']), 'done\n');
  assert.deepEqual(await e.settled(), before);
});

test('names: unique (in use is refused, nothing created), generated ones valid; ambiguous ID prefixes list candidates', (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  e.runDetached(['--name', 'twin', IMAGE, 'sleep', '3600']);
  const dirs = e.stateDirs().length;
  const dup = e.tctop(['run', '-d', '--name', 'twin', IMAGE, 'true']);
  assert.equal(dup.status, 1);
  assert.equal(dup.stderr, 'tctop: the container name "twin" is already in use\n');
  assert.equal(e.stateDirs().length, dirs, 'nothing created');
  const bad = e.tctop(['run', '--name', 'bad name', IMAGE, 'true']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^tctop: invalid container name "bad name"/);
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push(e.ok(['create', IMAGE, 'true']).trim());
  const names = ids.map((id) => e.state(id)!.name as string);
  assert.equal(new Set(names).size, names.length);
  for (const n of names) assert.match(n, /^[a-z]+_[a-z]+\d?$/);
  // 21 IDs: some pair shares a first hex digit, so that one-digit prefix is ambiguous
  const all = e.stateDirs();
  const digit = [...'0123456789abcdef'].find((d) => all.filter((id) => id.startsWith(d)).length > 1)!;
  const amb = e.tctop(['rm', digit]);
  assert.equal(amb.status, 1);
  assert.match(amb.stderr, new RegExp(`^tctop: "${digit}" matches \\d+ containers: ${digit}[0-9a-f]{11} \\(`));
  // one of the stopped ones (the running "twin" would need -f), its 5-digit prefix unique among all
  const unique = ids.find((id) => all.filter((o) => o.startsWith(id.slice(0, 5))).length === 1)!;
  assert.equal(e.ok(['rm', unique.slice(0, 5)]), unique.slice(0, 5) + '\n');
  assert.ok(!e.stateDirs().includes(unique));
});

test('wait and logs -f end when the container is removed under them', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  e.runDetached(['--name', 'doomed', IMAGE, 'sleep', '3600']);
  const waiter = finished(e.spawn(['wait', 'doomed']));
  const follower = finished(e.spawn(['logs', '-f', 'doomed']));
  await sleep(300);
  e.ok(['rm', '-f', 'doomed']);
  const [w, f] = await Promise.all([waiter, follower]);
  // either it saw the SIGKILL's exit record before the removal, or the removal itself: never a hang
  assert.ok(
    (w.code === 0 && w.stdout === '137\n') || (w.code === 1 && /^tctop: container doomed was removed\n$/.test(w.stderr)),
    `${w.code} ${w.stdout} ${w.stderr}`,
  );
  assert.ok(f.code === 0 || /was removed/.test(f.stderr), f.stderr);
});
