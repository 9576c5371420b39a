// `tctop top <ref>` and `tctop stats` against real Docker and tctop's own engine: the same host PIDs as docker top,
// docker stats' keys and formats, and memory within 5% of docker stats for the same container at the same time.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test, type TestContext } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent, TEST_IMAGE } from '../helpers/docker.js';
import { isRoot, missing, sh } from '../helpers/prereq.js';
import { dockerTopPids, tctop, waitFor } from '../helpers/runtimes.js';
import { engineMissing, IMAGE, newEngine, until } from './engine-harness.js';

const prefix = `tctop-verbs-${process.pid}`;

interface StatsJson {
  ID: string;
  Name: string;
  CPUPerc: string;
  MemUsage: string;
  MemPerc: string;
  NetIO: string;
  BlockIO: string;
  PIDs: string;
  Runtime: string;
  Container: string;
}

/** "20.5MiB / 64MiB" -> bytes of the first half, as go-units prints it. */
function parseBinary(s: string): number {
  const m = /^([\d.]+)(B|KiB|MiB|GiB|TiB)$/.exec(s.trim());
  assert.ok(m, `a go-units size: ${s}`);
  return Number(m[1]) * 1024 ** ['B', 'KiB', 'MiB', 'GiB', 'TiB'].indexOf(m[2]);
}

function ready(t: TestContext): boolean {
  if (missing(t, isRoot(), 'root')) return false;
  if (missing(t, dockerAvailable(), 'a running dockerd (bash test/prereqs.sh)')) return false;
  return !missing(t, testImagePresent(), `image ${TEST_IMAGE} (bash test/prereqs.sh)`);
}

test("top <ref>: docker top's processes with host and container PIDs side by side", { timeout: 60_000 }, async (t) => {
  if (!ready(t)) return;
  const name = `${prefix}-top`;
  t.after(() => dockerRm(name));
  dockerRun(name, [], ['sh', '-c', 'sleep 1000 & sleep 1001 & wait']);
  sh('docker', ['exec', '-d', name, 'sleep', '999']);
  await waitFor('four processes', () => dockerTopPids(name).length === 4);

  const table = JSON.parse(tctop('top', name, '--json').stdout) as { Titles: string[]; Processes: string[][] };
  assert.deepEqual(table.Titles, ['UID', 'HOST PID', 'CONTAINER PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  const hostPids = table.Processes.map((r) => Number(r[1])).sort((a, b) => a - b);
  assert.deepEqual(
    hostPids,
    dockerTopPids(name).sort((a, b) => a - b),
    'the same host PIDs as docker top',
  );
  const init = table.Processes.find((r) => r[8].startsWith('sh -c'));
  assert.equal(init?.[2], '1', 'the init is PID 1 in the container');
  assert.ok(
    table.Processes.every((r) => r[0] === 'root' && r[6] === '?'),
    'user root, no terminal',
  );
  // docker top's ps options: -o with a rename, aux
  const o = JSON.parse(tctop('top', name, '-o', 'pid,comm=NAME', '--json').stdout);
  assert.deepEqual(o.Titles, ['HOST PID', 'CONTAINER PID', 'NAME']);
  assert.deepEqual(o.Processes.map((r: string[]) => r[2]).sort(), ['sh', 'sleep', 'sleep', 'sleep']);
  const aux = tctop('top', name, 'aux');
  assert.equal(aux.status, 0);
  assert.match(aux.stdout.split('\n')[0], /^USER +HOST PID +CONTAINER PID +%CPU +%MEM +VSZ +RSS +TTY +STAT +STIME +TIME +CMD$/);
  // bad input: one line, non-zero
  const bad = tctop('top', name, '-o', 'nonsense');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^tctop: unknown ps column "nonsense"/);
  const none = tctop('top', 'no-such-container-verbs');
  assert.equal(none.status, 1);
  assert.equal(none.stderr, 'tctop: no such container: no-such-container-verbs\n');
});

test("top <ref> and stats on tctop's own container", { timeout: 60_000 }, async (t) => {
  if (engineMissing(t)) return;
  const engine = newEngine(t);
  const name = `${prefix}-own`;
  const id = engine.runDetached(['--name', name, '-m', '64m', IMAGE, 'sh', '-c', 'sleep 100 & wait']);
  const c = await until(
    () => {
      const i = engine.inspect(id);
      return i.processes.length === 2 && i;
    },
    10_000,
    'two processes',
  );
  const table = JSON.parse(engine.ok(['top', name, '--json']));
  const pids = c.processes.map((p: { hostPid: number }) => String(p.hostPid)).sort();
  assert.deepEqual(table.Processes.map((r: string[]) => r[1]).sort(), pids, 'host PIDs as inspect reports them');
  assert.deepEqual(table.Processes.map((r: string[]) => r[2]).sort(), ['1', '2'], 'container PIDs');
  const stats = JSON.parse(engine.ok(['stats', '--no-stream', '--format', 'json', name]).trim()) as StatsJson;
  assert.equal(stats.Runtime, 'tctop');
  assert.equal(stats.PIDs, '2');
  assert.equal(stats.MemUsage.split(' / ')[1], '64MiB', 'the limit from -m 64m');
  const stopped = engine.ok(['stop', '-t', '1', name]);
  assert.ok(stopped.includes(name));
  const gone = engine.tctop(['top', name]);
  assert.equal(gone.status, 1);
  assert.equal(gone.stderr, `tctop: container ${name} is not running\n`);
});

test("stats: docker stats' keys and formats; memory within 5% of docker stats at the same time", { timeout: 90_000 }, async (t) => {
  if (!ready(t)) return;
  const name = `${prefix}-stats`;
  t.after(() => dockerRm(name));
  // ~24 MiB of anonymous memory held by the shell, then idle: a figure that holds still while both tools look
  dockerRun(name, ['--memory', '256m'], ['sh', '-c', 'x=$(head -c 25000000 /dev/zero | tr "\\0" a); sleep 1000; echo ${#x}']);
  await waitFor(
    'memory to settle',
    () => {
      const r = JSON.parse(tctop('stats', '--no-stream', '--format', 'json', name).stdout.trim()) as StatsJson;
      return parseBinary(r.MemUsage.split(' / ')[0]) > 20 * 1024 * 1024;
    },
    30_000,
  );
  // both at once: docker's takes ~2 s (two daemon samples), tctop's a fraction of it
  const docker = new Promise<string>((resolve) => {
    const p = spawn('docker', ['stats', '--no-stream', '--format', '{{json .}}', name], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', () => resolve(out));
  });
  await new Promise((r) => setTimeout(r, 1000));
  const ours = JSON.parse(tctop('stats', '--no-stream', '--format', 'json', name).stdout.trim()) as StatsJson;
  const theirs = JSON.parse((await docker).trim()) as Omit<StatsJson, 'Runtime'>;
  assert.deepEqual(Object.keys(ours).sort(), [...Object.keys(theirs), 'Runtime'].sort(), "docker's keys plus Runtime");
  assert.equal(ours.ID, theirs.ID);
  assert.equal(ours.Name, theirs.Name);
  assert.equal(ours.Container, name);
  assert.equal(ours.Runtime, 'docker');
  assert.equal(ours.PIDs, theirs.PIDs);
  assert.equal(ours.NetIO, theirs.NetIO);
  assert.equal(ours.MemUsage.split(' / ')[1], theirs.MemUsage.split(' / ')[1], 'the same limit');
  const a = parseBinary(ours.MemUsage.split(' / ')[0]);
  const b = parseBinary(theirs.MemUsage.split(' / ')[0]);
  assert.ok(Math.abs(a - b) / b < 0.05, `memory within 5%: tctop ${ours.MemUsage} docker ${theirs.MemUsage}`);
  assert.match(ours.CPUPerc, /^\d+\.\d\d%$/);
  assert.match(ours.MemPerc, /^\d+\.\d\d%$/);
  assert.ok(Math.abs(parseFloat(ours.MemPerc) - parseFloat(theirs.MemPerc)) < 0.5);

  // the table: docker's header with RUNTIME after NAME
  const table = tctop('stats', '--no-stream', name);
  assert.equal(table.status, 0);
  assert.match(table.stdout.split('\n')[0], /^CONTAINER ID +NAME +RUNTIME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS$/);
});

test("stats: a busy container's CPU is seen, every running container is listed, bad input is refused", { timeout: 90_000 }, async (t) => {
  if (!ready(t)) return;
  const busy = `${prefix}-busy`;
  t.after(() => dockerRm(busy));
  dockerRun(busy, [], ['sh', '-c', 'while :; do :; done']);
  await new Promise((r) => setTimeout(r, 500));
  const rows = tctop('stats', '--no-stream', '--format', 'json')
    .stdout.trim()
    .split('\n')
    .map((l) => JSON.parse(l) as StatsJson);
  const row = rows.find((r) => r.Name === busy);
  assert.ok(row, 'every running container is listed without a reference');
  assert.ok(parseFloat(row.CPUPerc) > 20, `a spinning shell uses CPU: ${row.CPUPerc}`);
  const bad = tctop('stats', '--format', '{{.Name}}', '--no-stream');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^tctop: unsupported --format/);
  const none = tctop('stats', '--no-stream', 'no-such-container-verbs');
  assert.equal(none.status, 1);
});

test('stats streams: a new sample each interval until interrupted', { timeout: 30_000 }, async (t) => {
  if (!ready(t)) return;
  const name = `${prefix}-stream`;
  t.after(() => dockerRm(name));
  dockerRun(name, [], ['sleep', '1000']);
  const child = spawn(process.execPath, ['bin/tctop', 'stats', '--interval', '0.2', '--format', 'json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGINT');
  const code = await new Promise((r) => child.on('close', r));
  assert.equal(code, 0, 'Ctrl-C ends it cleanly');
  const samples = out.split('\n').filter((l) => l.includes(`"Name":"${name}"`));
  assert.ok(samples.length >= 3, `a sample every 0.2 s for 1.5 s: ${samples.length}`);
});
