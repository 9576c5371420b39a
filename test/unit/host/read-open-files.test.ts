// Kept-open procfs/cgroupfs files (src/host/open-files.ts, fd-budget.ts, fs-magic.ts, reader.ts) on the real kernel: a kept descriptor reads fresh
// figures, a vanished process or removed cgroup reads as null (never a throw), a recreated path is reopened, and
// nothing is kept outside the kernel filesystems or past a sweep.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isCgroup2Fs, isKernelFs } from '../../../src/host/fs-magic.js';
import { OpenFiles } from '../../../src/host/open-files.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import { openPaths } from '../../helpers/host-probes.js';
import { isRoot, missing } from '../../helpers/prereq.js';

const cpuTicks = (statText: string) => {
  const f = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
};

test('a kept /proc/<pid>/stat reads fresh figures each time, and only one descriptor is held', () => {
  const files = new OpenFiles(['/proc/']);
  try {
    const before = cpuTicks(files.readText('/proc/self/stat')!);
    const deadline = Date.now() + 5000;
    let after = before;
    while (after === before && Date.now() < deadline) {
      for (let i = 0; i < 1e6; i++) Math.sqrt(i);
      after = cpuTicks(files.readText('/proc/self/stat')!);
    }
    assert.ok(after > before, `CPU ticks move through the kept descriptor (${before} -> ${after})`);
    assert.equal(files.size, 1);
  } finally {
    files.close();
  }
});

test('a process that exits reads as null through its kept descriptor, and the descriptor is closed', async (t) => {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  await sleep(50);
  const path = `/proc/${child.pid}/stat`;
  const files = new OpenFiles(['/proc/']);
  try {
    assert.match(files.readText(path)!, /\(sleep\)/);
    assert.ok(openPaths().includes(path));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await sleep(50);
    assert.equal(files.readText(path), null);
    assert.equal(files.readView(path, 4096), null);
    assert.equal(files.size, 0);
    assert.ok(!openPaths().includes(path), 'the stale descriptor was closed');
  } finally {
    files.close();
  }
});

test('sweep closes what was not read since the last sweep; forgetUnder, forget and close give back the rest', () => {
  const files = new OpenFiles(['/proc/']);
  files.readText('/proc/self/stat');
  files.readText('/proc/self/status');
  files.readText('/proc/loadavg');
  assert.equal(files.size, 3);
  files.sweep();
  files.readText('/proc/self/stat');
  files.readText('/proc/loadavg');
  files.sweep();
  assert.equal(files.size, 2, 'status, not read in the last round, is closed');
  files.forgetUnder('/proc/self');
  assert.equal(files.size, 1);
  files.forget('/proc/loadavg');
  assert.equal(files.size, 0);
  assert.ok(!openPaths().includes('/proc/loadavg'));
  files.readText('/proc/loadavg');
  files.close();
  assert.equal(files.size, 0);
});

test('near the budget a sweep closes a bounded number of the files it did not read, never those it read', () => {
  const paths = [
    '/proc/loadavg',
    '/proc/uptime',
    '/proc/version',
    '/proc/meminfo',
    '/proc/stat',
    '/proc/self/stat',
    '/proc/self/status',
    '/proc/self/statm',
    '/proc/self/limits',
    '/proc/self/cgroup',
  ];
  const files = new OpenFiles(['/proc/'], paths.length, [], 60_000, 3);
  try {
    for (const p of paths) assert.ok(files.readText(p) !== null, p);
    assert.equal(files.size, 10);
    files.sweep();
    files.readText('/proc/loadavg');
    files.sweep();
    assert.equal(files.size, 7, 'at most 3 closed in one sweep, though 9 were not read and the budget is near full');
    assert.ok(openPaths().includes('/proc/loadavg'), 'the file read since the last sweep stays');
    files.readText('/proc/loadavg');
    files.sweep();
    assert.equal(files.size, 7, 'under nine tenths of the budget, files read within idleMs stay');
  } finally {
    files.close();
  }
});

test('files outside the kernel filesystems are read the ordinary way: a file replaced by rename is never stale', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-open-files-'));
  try {
    assert.equal(isKernelFs(dir), false);
    assert.equal(isKernelFs('/proc'), true);
    const files = new OpenFiles([`${dir}/`].filter(isKernelFs));
    const path = join(dir, 'state');
    writeFileSync(path, 'one');
    assert.equal(files.readText(path), 'one');
    writeFileSync(join(dir, 'next'), 'two');
    renameSync(join(dir, 'next'), path);
    assert.equal(files.readText(path), 'two');
    assert.equal(files.readText(join(dir, 'absent')), null);
    assert.equal(files.size, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file larger than the read buffer is read whole, up to the limit', () => {
  const files = new OpenFiles(['/proc/']);
  try {
    const whole = readFileSync('/proc/self/maps');
    const view = files.readView('/proc/self/maps', 1 << 20);
    assert.ok(view);
    // the maps change as we allocate: compare the first line only, and the size roughly
    assert.equal(view.toString('utf8').split('\n')[0], whole.toString('utf8').split('\n')[0]);
    const big = files.readView('/proc/self/mountinfo', 100);
    assert.equal(big?.length, Math.min(100, readFileSync('/proc/self/mountinfo').length));
  } finally {
    files.close();
  }
});

test('the maxOpen cap: past it files are still read, just not kept', () => {
  const files = new OpenFiles(['/proc/'], 1);
  try {
    assert.ok(files.readText('/proc/loadavg'));
    assert.ok(files.readText('/proc/self/stat'));
    assert.equal(files.size, 1);
  } finally {
    files.close();
  }
});

test('a reader reads its hot files through the open files it was given, and only then', () => {
  const files = new OpenFiles(['/proc/']);
  try {
    assert.ok(new HostReader(hostPaths('/')).hotText('/proc/loadavg'));
    assert.equal(files.size, 0);
    const text = new HostReader(hostPaths('/'), { files }).hotText('/proc/loadavg');
    assert.match(text!, /^\d/);
    assert.equal(files.size, 1);
  } finally {
    files.close();
  }
});

/** A cgroup directory to play with on whatever hierarchy this host has (v2 root, or the v1 memory controller). */
function scratchCgroup(): { dir: string; file: string } {
  const id = `tctop-read-test-${randomBytes(4).toString('hex')}`;
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return { dir: join('/sys/fs/cgroup', id), file: 'cgroup.events' };
  return { dir: join('/sys/fs/cgroup/memory', id), file: 'memory.usage_in_bytes' };
}

test('a cgroup recreated at the same path is read afresh, a removed one reads as null (ENODEV)', async (t) => {
  if (missing(t, isRoot(), 'root (creates a cgroup)')) return;
  const { dir, file } = scratchCgroup();
  t.after(() => {
    if (existsSync(dir)) rmdirSync(dir);
  });
  const files = new OpenFiles([`${join(dir, '..')}/`]);
  try {
    mkdirSync(dir);
    const path = join(dir, file);
    assert.notEqual(files.readText(path), null);
    assert.equal(files.size, 1);
    rmdirSync(dir);
    mkdirSync(dir);
    // the kept descriptor belongs to the removed cgroup (ENODEV): the path is opened again, not reported gone
    assert.equal(files.readText(path), readFileSync(path, 'utf8'));
    assert.equal(files.size, 1);
    rmdirSync(dir);
    assert.equal(files.readText(path), null, 'a removed cgroup is gone, not an error');
    assert.equal(files.size, 0);
  } finally {
    files.close();
  }
});

/** The cgroup2 mount: the root on a v2 host, /sys/fs/cgroup/unified on a hybrid one. */
function cgroup2Root(): string | undefined {
  return ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'].find((d) => isCgroup2Fs(d));
}

test('cgroup.procs is kept only on cgroup2, where a kept descriptor lists members as they come and go', async (t) => {
  if (missing(t, isRoot(), 'root (creates cgroups)')) return;
  const root = cgroup2Root();
  if (missing(t, root !== undefined, 'a cgroup2 mount')) return;
  const dir = join(root!, `tctop-read-test-${randomBytes(4).toString('hex')}`);
  const v1 = existsSync('/sys/fs/cgroup/pids/cgroup.procs')
    ? join('/sys/fs/cgroup/pids', `tctop-read-test-${randomBytes(4).toString('hex')}`)
    : undefined;
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(async () => {
    child.kill('SIGKILL');
    await sleep(100);
    for (const d of [dir, v1]) if (d && existsSync(d)) rmdirSync(d);
  });
  await sleep(50);
  const files = new OpenFiles([`${root}/`, '/sys/fs/cgroup/'], 100, [`${root}/`]);
  try {
    mkdirSync(dir);
    const procs = join(dir, 'cgroup.procs');
    assert.equal(files.readText(procs), '');
    assert.equal(files.size, 1, 'kept on cgroup2');
    writeFileSync(procs, String(child.pid));
    assert.equal(files.readText(procs), `${child.pid}\n`, 'a member moved in shows through the kept descriptor');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await sleep(50);
    assert.equal(files.readText(procs), '', 'and is gone once it exits');
    if (v1) {
      mkdirSync(v1);
      assert.equal(files.readText(join(v1, 'cgroup.procs')), '');
      assert.equal(files.size, 1, 'v1 cgroup.procs is read but never kept');
    }
  } finally {
    files.close();
  }
});

test('one-record reads of kept files: the whole record, first read and every re-read', () => {
  const files = new OpenFiles(['/proc/']);
  try {
    const lines = (t: string | null) => (t ?? '').split('\n').length;
    for (let i = 0; i < 3; i++) {
      assert.equal(lines(files.readText('/proc/self/status', true)), lines(readFileSync('/proc/self/status', 'utf8')));
      assert.equal(files.readText('/proc/self/cgroup', true), readFileSync('/proc/self/cgroup', 'utf8'));
    }
    assert.equal(files.size, 2, 'kept open');
  } finally {
    files.close();
  }
});
