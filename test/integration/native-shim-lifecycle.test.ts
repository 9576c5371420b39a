// The native shim's container mode, driven directly: the started line, the daemon as the init's parent and
// subreaper, json-file logs, exit.json for every way a container ends, setup failures, memory footprint.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cgroupPids } from '../../src/engine/containers/cgroups.js';
import { shimBinaryPath } from '../../src/engine/containers/shim-binary.js';
import {
  alive,
  mountLinesMentioning,
  needRootAndBusybox,
  prepareBox,
  readLog,
  runShim,
  startBox,
  stdoutOf,
  waitExit,
  waitFor,
} from './native-shim-harness.js';

const ISO_NS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

function status(pid: number, key: string): string {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(key + ':'));
  assert.ok(line, `${key} in /proc/${pid}/status`);
  return line.slice(key.length + 1).trim();
}

function statFields(pid: number): string[] {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' '); // [0] = state, [1] = ppid, [3] = session
}

test("shim: `started <init> <daemon>`; the daemon is the init's parent, named tctop-shim --id --state, detached, outside the container", async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, { args: ['sleep', '30'] });
  t.diagnostic(`spawn -> started line: ${box.startedMs.toFixed(1)} ms`);
  assert.equal(statFields(box.pid)[1], String(box.shimPid), 'init ppid == daemon');
  assert.equal(readFileSync(`/proc/${box.shimPid}/comm`, 'utf8'), 'tctop-shim\n');
  assert.deepEqual(readFileSync(`/proc/${box.shimPid}/cmdline`, 'utf8').split('\0').slice(0, -1), [
    shimBinaryPath(),
    '--id',
    box.id,
    '--state',
    box.dir,
  ]);
  assert.equal(statFields(box.shimPid)[3], String(box.shimPid), 'the daemon leads its own session');
  for (const fd of ['0', '1', '2']) assert.equal(readlinkSync(`/proc/${box.shimPid}/fd/${fd}`), '/dev/null');
  assert.deepEqual(
    readdirSync(`/proc/${box.shimPid}/fd`)
      .map(Number)
      .filter((fd) => fd > 2 && readlinkSync(`/proc/${box.shimPid}/fd/${fd}`).startsWith('/'))
      .map((fd) => readlinkSync(`/proc/${box.shimPid}/fd/${fd}`)),
    [join(box.dir, 'container.log')],
    'the daemon holds nothing of the container but its log',
  );
  assert.equal(readlinkSync(`/proc/${box.shimPid}/cwd`), '/');
  for (const ns of ['mnt', 'pid', 'net', 'cgroup'])
    assert.equal(readlinkSync(`/proc/${box.shimPid}/ns/${ns}`), readlinkSync(`/proc/self/ns/${ns}`), `daemon stays in the host ${ns} ns`);
  assert.doesNotMatch(readFileSync(`/proc/${box.shimPid}/cgroup`, 'utf8'), /tctop/, 'the daemon does not pin the container cgroup');
  assert.match(status(box.pid, 'NSpid'), new RegExp(`^${box.pid}\\s+1$`), 'the init is PID 1 in its namespace');
  for (const line of readFileSync(`/proc/${box.pid}/cgroup`, 'utf8').trim().split('\n')) {
    const [, controllers, path] = line.split(':');
    if (controllers === '' || controllers.startsWith('name=')) continue;
    assert.equal(path, `/tctop/${box.id}`, `init joined ${controllers}`);
  }
  const rssKiB = Number(status(box.shimPid, 'VmRSS').replace(/ kB$/, ''));
  t.diagnostic(`daemon VmRSS: ${rssKiB} KiB`);
  assert.ok(rssKiB < 1024, `shim RSS ${rssKiB} KiB < 1 MiB`);
  process.kill(box.pid, 'SIGKILL');
  const exit = await waitExit(box);
  assert.equal(exit.exitCode, 137);
  assert.equal(exit.signal, 9);
  assert.equal(exit.oomKilled, false);
  assert.equal(exit.pid, box.pid);
  assert.match(exit.finishedAt, ISO_NS);
  await waitFor('the daemon to exit after its init', () => !alive(box.shimPid));
  assert.deepEqual(
    readdirSync(box.dir).sort(),
    ['container.log', 'exit.json', 'launch.conf', 'rootfs', 'upper', 'work'],
    'exit.json renamed into place, no temp file',
  );
});

test('shim: a container in a cgroup2 cgroup (the hybrid unified mount) joins it and its cgroup namespace is rooted there', async (t) => {
  if (needRootAndBusybox(t)) return;
  const unified = '/sys/fs/cgroup/unified';
  if (!existsSync(join(unified, 'cgroup.controllers')) || existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    t.diagnostic('no separate cgroup2 mount here (a pure v2 host runs every other test on v2)');
    return;
  }
  const box = await startBox(t, { args: ['sh', '-c', 'cat /proc/self/cgroup; echo ready; sleep 30'], cgroupRoot: unified });
  await waitFor('the container to print', () => stdoutOf(box).endsWith('ready\n'));
  assert.match(readFileSync(`/proc/${box.pid}/cgroup`, 'utf8'), new RegExp(`^0::/tctop/${box.id}$`, 'm'));
  assert.match(stdoutOf(box), /^0::\/$/m, 'inside, the cgroup namespace root is the container cgroup');
  assert.ok(cgroupPids(box.id, unified).includes(box.pid));
  process.kill(box.pid, 'SIGKILL');
  await waitExit(box);
});

test('shim: discovery finds the container as runtime tctop, with the daemon as its shim', async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, { args: ['sleep', '30'] });
  const r = spawnSync(process.execPath, ['bin/tctop', 'ps', '--json'], { encoding: 'utf8', env: { ...process.env, TCTOP_ROOT: box.tmp } });
  assert.equal(r.status, 0, r.stderr);
  const found = (
    JSON.parse(r.stdout) as { id: string; runtime: string; init: { hostPid: number; containerPid: number }; shim: { pid: number } | null }[]
  ).filter((c) => c.id === box.id);
  assert.equal(found.length, 1, `tctop ps --json: ${r.stdout.slice(0, 4000)}`);
  const seen = { runtime: found[0].runtime, init: found[0].init, shimPid: found[0].shim?.pid };
  assert.deepEqual(seen, { runtime: 'tctop', init: { hostPid: box.pid, containerPid: 1 }, shimPid: box.shimPid }, JSON.stringify(found[0]));
  process.kill(box.pid, 'SIGKILL');
  await waitExit(box);
});

test('shim: stdout and stderr as json-file lines; escapes and invalid UTF-8 stay valid JSON; a partial line is flushed', async (t) => {
  if (needRootAndBusybox(t)) return;
  const script = [
    "printf 'out1\\nout2\\n'",
    "printf 'err1\\n' >&2",
    "printf 'esc \\033[31m red \\001 \\\\ \" tab\\t end\\n'",
    "printf '\\377\\376 bad \\303\\251 ok \\355\\240\\200 surrogate\\n'",
    "head -c 20000 /dev/zero | tr '\\0' x",
    'echo',
    "printf 'partial'",
  ].join('; ');
  const box = await startBox(t, { args: ['sh', '-c', script] });
  assert.equal((await waitExit(box)).exitCode, 0);
  const raw = readFileSync(join(box.dir, 'container.log'), 'utf8');
  assert.ok(raw.endsWith('\n'));
  const lines = raw.trimEnd().split('\n');
  for (const l of lines) {
    const r = JSON.parse(l);
    assert.deepEqual(Object.keys(r), ['log', 'stream', 'time']);
    assert.match(r.time, ISO_NS);
  }
  assert.match(raw, /\\u001b\[31m/, 'ESC as \\u001b');
  const log = readLog(box);
  assert.deepEqual(
    log.filter((r) => r.stream === 'stderr').map((r) => r.log),
    ['err1\n'],
  );
  const out = log.filter((r) => r.stream === 'stdout').map((r) => r.log);
  assert.equal(out[0], 'out1\n');
  assert.equal(out[1], 'out2\n');
  assert.equal(out[2], 'esc \u001b[31m red \u0001 \\ " tab\t end\n');
  assert.equal(out[3], '\ufffd\ufffd bad é ok \ufffd\ufffd\ufffd surrogate\n');
  assert.equal(out[4].length, 16384, 'a line longer than 16 KiB is split');
  assert.equal(out[5], 'x'.repeat(20000 - 16384) + '\n');
  assert.equal(out.at(-1), 'partial');
  assert.equal(out.length, 7);
});

test('shim: exit codes 0, 3, 126 (not executable), 127 (not found, with a stderr line), 143 from a TERM trap, 137 after SIGKILL', async (t) => {
  if (needRootAndBusybox(t)) return;
  const run = async (args: string[]) => {
    const box = await startBox(t, { args });
    return { box, exit: await waitExit(box) };
  };
  assert.equal((await run(['true'])).exit.exitCode, 0);
  const three = await run(['sh', '-c', 'exit 3']);
  assert.deepEqual([three.exit.exitCode, three.exit.signal, three.exit.oomKilled], [3, null, false]);
  const notFound = await run(['no-such-command', 'arg']);
  assert.equal(notFound.exit.exitCode, 127);
  assert.deepEqual(
    readLog(notFound.box).map((r) => [r.stream, r.log]),
    [['stderr', 'tctop: exec no-such-command: No such file or directory\n']],
  );
  const notExec = await run(['/etc/passwd']);
  assert.equal(notExec.exit.exitCode, 126);
  assert.match(readLog(notExec.box)[0].log, /^tctop: exec \/etc\/passwd: Permission denied\n$/);

  const trap = await startBox(t, { args: ['sh', '-c', 'trap "echo got TERM; exit 143" TERM; echo ready; while :; do sleep 0.05; done'] });
  await waitFor('the trap to be set', () => stdoutOf(trap) === 'ready\n');
  process.kill(trap.pid, 'SIGTERM');
  const trapped = await waitExit(trap);
  assert.equal(trapped.exitCode, 143);
  assert.match(stdoutOf(trap), /got TERM\n$/);

  // PID 1 without a handler ignores SIGTERM (as in docker); SIGKILL always works
  const plain = await startBox(t, { args: ['sh', '-c', 'echo ready; while :; do sleep 0.05; done'] });
  await waitFor('the shell to run', () => stdoutOf(plain) === 'ready\n');
  process.kill(plain.pid, 'SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(alive(plain.pid), 'an init without a TERM handler survives SIGTERM');
  process.kill(plain.pid, 'SIGKILL');
  const killed = await waitExit(plain);
  assert.deepEqual([killed.exitCode, killed.signal], [137, 9]);
});

test('shim: orphans die with the init and are reaped; the daemon exits and leaves no process', async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, {
    args: ['sh', '-c', '(sleep 1000 &); (sh -c "sleep 1000" &); sleep 1000 & echo started; sleep 0.3; exit 5'],
  });
  await waitFor('the background processes', () => cgroupPids(box.id).length >= 4);
  const exit = await waitExit(box);
  assert.equal(exit.exitCode, 5);
  await waitFor('the daemon to exit', () => !alive(box.shimPid));
  assert.deepEqual(cgroupPids(box.id), [], 'nothing left in the cgroup');
  assert.equal(stdoutOf(box), 'started\n');
});

test('shim: every line of a container that exits at once is logged, in order', async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, { args: ['sh', '-c', 'seq 1 2000'] });
  await waitExit(box);
  const out = stdoutOf(box);
  assert.equal(out, Array.from({ length: 2000 }, (_, i) => `${i + 1}\n`).join(''));
});

test('shim: a setup failure prints one error line, exits 1, starts nothing and leaves no mount', async (t) => {
  if (needRootAndBusybox(t)) return;
  const p = await prepareBox(t, { args: ['true'] });
  const before = mountLinesMentioning(p.tmp);
  // break the overlay: its workdir vanishes
  const { rmSync } = await import('node:fs');
  rmSync(join(p.dir, 'work'), { recursive: true });
  const r = await runShim(p.id, p.dir);
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.match(r.err, /^error: mount overlay on \S+\/rootfs: No such file or directory \(ENOENT\)\n$/);
  assert.equal(existsSync(join(p.dir, 'exit.json')), false);
  assert.deepEqual(cgroupPids(p.id), []);
  assert.equal(mountLinesMentioning(p.tmp), before);
});

test('shim: bad invocations and bad launch.conf are one-line errors with exit 1', async (t) => {
  if (needRootAndBusybox(t)) return;
  const p = await prepareBox(t, { args: ['true'] });
  const other = 'f'.repeat(64);
  const wrongId = await runShim(other, p.dir);
  assert.equal(wrongId.code, 1);
  assert.match(wrongId.err, /^error: launch.conf is for another container: [0-9a-f]{64}\n$/);
  const missingDir = await runShim(p.id, join(p.tmp, 'nope'));
  assert.match(missingDir.err, /^error: read launch.conf \S+\/nope\/launch.conf: No such file or directory \(ENOENT\)\n$/);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(p.dir, 'launch.conf'), `id ${p.id}\nfrobnicate 1\n`);
  const unknown = await runShim(p.id, p.dir);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /^error: launch.conf line 2: unknown key frobnicate in /);
  writeFileSync(join(p.dir, 'launch.conf'), `id ${p.id}\narg a%2\n`);
  assert.match((await runShim(p.id, p.dir)).err, /^error: launch.conf line 2: bad value for key arg/);
  writeFileSync(join(p.dir, 'launch.conf'), `id ${p.id}\n`);
  assert.match((await runShim(p.id, p.dir)).err, /^error: launch.conf: missing or invalid `lowerdir`/);
});

test('shim: ten containers started at once each get their own init, log and exit record', async (t) => {
  if (needRootAndBusybox(t)) return;
  const boxes = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      startBox(t, { args: ['sh', '-c', `echo box ${i}; exit ${i}`], limits: { memoryBytes: 32 << 20, pidsLimit: 50, cpusetCpus: '0' } }),
    ),
  );
  assert.equal(new Set(boxes.map((b) => b.pid)).size, 10);
  const exits = await Promise.all(boxes.map((b) => waitExit(b)));
  exits.forEach((e, i) => assert.equal(e.exitCode, i));
  boxes.forEach((b, i) => assert.equal(stdoutOf(b), `box ${i}\n`));
});
