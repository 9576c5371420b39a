// Vanished, denied and malformed are three answers (src/host/read-failure.ts, reader.ts), each told apart from a
// real failing syscall and noted where the README says: a missing optional file is no note, a process the scan
// wanted that is gone is "vanished", a file we may not read is "denied", one that does not parse is "malformed".
// Denied needs a file the reader may not open: as root nothing is refused, so those cases run in a child process
// with root's privileges dropped (uid/gid 65534), reading through the real reader code from dist/.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readlinkSync,
  readSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readV2Stats } from '../../../src/host/cgroupfs/v2.js';
import { hostPaths } from '../../../src/host/paths.js';
import { readLastPid } from '../../../src/host/procfs/loadavg.js';
import { readNamespace } from '../../../src/host/procfs/namespaces.js';
import { readProcess } from '../../../src/host/procfs/process.js';
import { classifyReadError } from '../../../src/host/read-failure.js';
import { HostReader } from '../../../src/host/reader.js';
import { FixtureHost } from '../../helpers/fixture-host.js';
import { isRoot, missing } from '../../helpers/prereq.js';

const NOBODY = 65534;

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail('the syscall was expected to fail');
}

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-read-failure-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('classification of real errors: ENOENT, ENOTDIR are vanished; EINVAL malformed; EISDIR is none of ours', (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'file'), 'x');
  const enoent = errorOf(() => readFileSync(join(dir, 'absent')));
  const enotdir = errorOf(() => readFileSync(join(dir, 'file', 'below')));
  const einval = errorOf(() => readlinkSync(join(dir, 'file')));
  const eisdir = errorOf(() => readFileSync(dir));
  assert.deepEqual(
    [enoent, enotdir, einval, eisdir].map((e) => [(e as NodeJS.ErrnoException).code, classifyReadError(e)]),
    [
      ['ENOENT', 'vanished'],
      ['ENOTDIR', 'vanished'],
      ['EINVAL', 'malformed'],
      ['EISDIR', undefined],
    ],
  );
});

test('classification of a real ESRCH: a descriptor of /proc/<pid>/stat read after its process exited', async (t) => {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  await sleep(50);
  const fd = openSync(`/proc/${child.pid}/stat`, 'r');
  try {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await sleep(50);
    const err = errorOf(() => readSync(fd, Buffer.alloc(4096), 0, 4096, 0));
    assert.deepEqual([(err as NodeJS.ErrnoException).code, classifyReadError(err)], ['ESRCH', 'vanished']);
  } finally {
    closeSync(fd);
  }
});

/** Runs `body` (an ES module's text, given the dist/src URL as SRC) as uid/gid 65534; its stdout parsed as JSON. */
function asNobody(body: string): unknown {
  const src = new URL('../../../src/', import.meta.url).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const SRC = ${JSON.stringify(src)};\n${body}`], {
    uid: NOBODY,
    gid: NOBODY,
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("classification of real EACCES and EPERM, made by a process without root's privileges", (t) => {
  if (missing(t, isRoot(), 'root (to drop to uid 65534)')) return;
  const dir = scratch(t);
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'closed'), 'secret');
  chmodSync(join(dir, 'closed'), 0o000);
  const got = asNobody(`
    import { readFileSync, chownSync } from 'node:fs';
    const { classifyReadError } = await import(SRC + 'host/read-failure.js');
    const out = [];
    for (const fn of [() => readFileSync(${JSON.stringify(join(dir, 'closed'))}), () => chownSync(${JSON.stringify(dir)}, 0, 0)]) {
      try { fn(); out.push('no error'); } catch (err) { out.push([err.code, classifyReadError(err)]); }
    }
    console.log(JSON.stringify(out));
  `);
  assert.deepEqual(got, [
    ['EACCES', 'denied'],
    ['EPERM', 'denied'],
  ]);
});

test('denied reads through the readers: null as before, and a "denied" note each, not a vanished one', (t) => {
  if (missing(t, isRoot(), 'root (to drop to uid 65534)')) return;
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 500, ppid: 1, comm: 'closed', cgroup: '/x.scope' });
  h.process({ pid: 501, ppid: 1, comm: 'open', cgroup: '/x.scope' });
  h.cgroupFiles('/x.scope', { 'memory.current': '100\n', 'memory.max': '1000\n', 'memory.stat': 'inactive_file 0\n' });
  h.build();
  spawnSync('chmod', ['-R', 'a+rX', h.root]);
  chmodSync(h.path('/proc/500/status'), 0o000);
  chmodSync(h.path('/sys/fs/cgroup/x.scope/memory.max'), 0o000);
  chmodSync(h.path('/sys/fs/cgroup/x.scope/cgroup.procs'), 0o000);
  const got = asNobody(`
    const { HostReader } = await import(SRC + 'host/reader.js');
    const { hostPaths } = await import(SRC + 'host/paths.js');
    const { readProcess } = await import(SRC + 'host/procfs/process.js');
    const { readCgroupProcs } = await import(SRC + 'host/cgroupfs/procs.js');
    const { readV2Stats } = await import(SRC + 'host/cgroupfs/v2.js');
    const r = new HostReader(hostPaths(${JSON.stringify(h.root)}));
    const ctx = { reader: r, pageSize: 4096, userName: String };
    const cgroup = ${JSON.stringify(h.path('/sys/fs/cgroup'))};
    const out = {
      closed: readProcess(ctx, 500),
      open: readProcess(ctx, 501)?.comm,
      procs: readCgroupProcs(r, cgroup + '/x.scope'),
      memory: readV2Stats(r, cgroup, '/x.scope').memory,
    };
    console.log(JSON.stringify({ out, notes: r.takeNotes() }));
  `) as { out: Record<string, unknown>; notes: Array<{ path: string; kind: string; reason: string }> };
  assert.deepEqual(
    got.out,
    { closed: null, open: 'open', procs: null, memory: { usageBytes: 100, workingSetBytes: 100 } },
    'no limit figure (JSON drops the undefined ones)',
  );
  const rel = (p: string) => p.slice(h.root.length);
  // memory.swap.current, cpu.stat, pressure files ... are absent here, as on a host without those controllers: no note
  assert.deepEqual(
    got.notes.map((n) => [rel(n.path), n.kind, n.reason]),
    [
      ['/proc/500/status', 'denied', 'EACCES'],
      ['/sys/fs/cgroup/x.scope/cgroup.procs', 'denied', 'EACCES'],
      ['/sys/fs/cgroup/x.scope/memory.max', 'denied', 'EACCES'],
    ],
  );
});

test('vanished: noted for a process the caller wanted, not for files whose absence is normal', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 600, ppid: 1, comm: 'leaving', missing: ['status'] });
  h.build();
  const r = new HostReader(hostPaths(h.root));
  const ctx = { reader: r, pageSize: 4096, userName: String };
  assert.equal(readProcess(ctx, 600), null);
  assert.equal(readProcess(ctx, 601), null, 'no such PID at all');
  assert.equal(readNamespace(r, 601, 'pid'), undefined, 'a link probed for a PID that may not exist: not noted');
  assert.deepEqual(readV2Stats(r, h.path('/sys/fs/cgroup'), '/gone.scope'), { version: 2, path: '/gone.scope' });
  assert.deepEqual(
    r.takeNotes().map((n) => [n.path.slice(h.root.length), n.kind, n.reason]),
    [
      ['/proc/600/status', 'vanished', 'ENOENT'],
      ['/proc/601/stat', 'vanished', 'ENOENT'],
    ],
  );
  assert.deepEqual(r.takeNotes(), [], 'taken once');
});

test('malformed: a stat, a usage file, loadavg and a namespace link that do not parse are noted as such', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 700, ppid: 1, comm: 'odd' });
  h.cgroupFiles('/y.scope', { 'memory.current': 'lots\n' });
  h.build();
  h.file('/proc/700/stat', '700 no parentheses here\n');
  h.file('/proc/loadavg', '0.1 0.2\n');
  rmSync(h.path('/proc/700/ns/net'));
  symlinkSync('garbage', h.path('/proc/700/ns/net'));
  const r = new HostReader(hostPaths(h.root));
  assert.equal(readProcess({ reader: r, pageSize: 4096, userName: String }, 700), null);
  assert.equal(readV2Stats(r, h.path('/sys/fs/cgroup'), '/y.scope').memory, undefined);
  assert.equal(readLastPid(r), undefined);
  assert.equal(readNamespace(r, 700, 'net'), undefined);
  assert.deepEqual(
    r.takeNotes().map((n) => [n.path.slice(h.root.length), n.kind, n.reason]),
    [
      ['/proc/700/stat', 'malformed', 'unparsable stat'],
      ['/sys/fs/cgroup/y.scope/memory.current', 'malformed', 'not a number'],
      ['/proc/loadavg', 'malformed', 'no last-PID field'],
      ['/proc/700/ns/net', 'malformed', 'not a namespace link'],
    ],
  );
});

test('a reader that keeps no notes (the PID-namespace survey) still answers the same', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.build();
  const r = new HostReader(hostPaths(h.root), { keepNotes: false });
  assert.equal(readProcess({ reader: r, pageSize: 4096, userName: String }, 999), null);
  assert.deepEqual(r.takeNotes(), []);
});
