// The long-running scanner keeps the files it reads every refresh open (src/host/open-files.ts). On the real host:
// a container's files are held while it runs and given back once it is gone, figures stay live through the kept
// descriptors, and close() gives everything back.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HostScanner, scanHost } from '../../src/snapshot/scanner.js';
import { CGROUP_ROOT, openPaths, tctopCgroupDirs } from '../helpers/host-probes.js';
import { isRoot, missing } from '../helpers/prereq.js';

/** Limit and setting files: read every few seconds (SpecCache), so closed when a full pass prunes them, not every scan. */
const LIMIT_FILE =
  /\/(cpu\.cfs_quota_us|cpu\.cfs_period_us|cpu\.shares|cpu\.max|cpu\.weight|cpuset\.cpus|memory\.limit_in_bytes|memory\.soft_limit_in_bytes|memory\.memsw\.limit_in_bytes|memory\.max|memory\.min|memory\.swap\.max|pids\.max)$/;

test('the files of a container are kept open while it runs, read live, and given back when it is gone', async (t) => {
  if (missing(t, isRoot(), 'root (creates cgroups)')) return;
  const id = randomBytes(32).toString('hex');
  const dirs = tctopCgroupDirs(id);
  // a busy loop, so its CPU figure must move between scans
  const child = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
  // full passes 1 s apart (the scans below are incremental until the last one); limit files trusted for 400 ms
  const scanner = new HostScanner({ fullPassIntervalMs: 1000, specTtlMs: 400 });
  t.after(async () => {
    scanner.close();
    child.kill('SIGKILL');
    await sleep(100);
    for (const d of dirs) if (existsSync(d)) rmdirSync(d);
  });
  for (const d of dirs) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'cgroup.procs'), String(child.pid));
  }

  const firstSnap = scanner.scan();
  const first = firstSnap.containers.find((c) => c.id === id);
  assert.ok(first?.cgroup?.cpu && first.cgroup.memory, 'the container and its cgroup figures are found');
  const held = openPaths();
  assert.ok(held.includes(`/proc/${child.pid}/stat`), 'the member stat is kept open');
  assert.ok(
    held.some((p) => dirs.some((d) => p.startsWith(`${d}/`))),
    'cgroup files are kept open',
  );
  if (existsSync(join(CGROUP_ROOT, 'cgroup.controllers'))) {
    assert.ok(held.includes(join(dirs[0], 'cgroup.procs')), 'cgroup2: cgroup.procs is kept (a kept one lists members afresh)');
  } else {
    assert.ok(!held.some((p) => p.endsWith('/cgroup.procs')), 'v1: cgroup.procs is never kept (a kept one serves a stale pidlist)');
  }

  await sleep(300);
  const secondSnap = scanner.scan();
  const second = secondSnap.containers.find((c) => c.id === id);
  assert.ok(
    second?.cgroup?.cpu && second.cgroup.cpu.usageSeconds > first.cgroup.cpu.usageSeconds,
    'cgroup CPU usage moves through the kept descriptors',
  );
  const ticks = (snap: typeof firstSnap) => snap.processes.get(child.pid!)?.cpuTicks ?? -1;
  assert.ok(ticks(secondSnap) > ticks(firstSnap), 'the process CPU ticks move through its kept stat');

  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  await sleep(100);
  for (const d of dirs) rmdirSync(d);
  const gone = scanner.scan();
  assert.ok(!gone.containers.some((c) => c.id === id));
  scanner.scan();
  const after = openPaths();
  assert.ok(!after.some((p) => p.startsWith(`/proc/${child.pid}/`)), 'the files of the exited process are closed at once');
  const inRemoved = after.filter((p) => dirs.some((d) => p.startsWith(d)));
  assert.deepEqual(
    inRemoved.filter((p) => !LIMIT_FILE.test(p)),
    [],
    'the usage files of the removed cgroup are closed at once',
  );
  await sleep(1500);
  scanner.scan();
  assert.deepEqual(
    openPaths().filter((p) => dirs.some((d) => p.startsWith(d))),
    [],
    'its limit files, read every few seconds, when the full pass prunes them',
  );

  scanner.close();
  assert.ok(!openPaths().some((p) => p === '/proc/stat' || p === '/proc/loadavg'), 'close() gives back every kept file');
});

test('a one-shot scanHost keeps nothing open', (t) => {
  if (missing(t, isRoot(), 'root (reads every process)')) return;
  const before = openPaths().filter((p) => p.startsWith('/proc/') || p.startsWith(CGROUP_ROOT)).length;
  scanHost();
  const after = openPaths().filter((p) => p.startsWith('/proc/') || p.startsWith(CGROUP_ROOT)).length;
  assert.equal(after, before);
});
