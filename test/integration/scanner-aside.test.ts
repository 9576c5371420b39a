// The full pass made aside (src/snapshot/aside-survey.ts) on the real host: what only a full pass finds, a process
// moved into a new container cgroup without any new PID, and a host process that exited, the scan after the survey
// sees without a readdir of /proc or a cgroup walk of its own.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidnsHelperPath } from '../../src/host/procfs/pidns-aside.js';
import { HostScanner } from '../../src/snapshot/scanner.js';
import { tctopCgroupDirs } from '../helpers/host-probes.js';
import { isRoot, missing } from '../helpers/prereq.js';

test('a process moved into a new container cgroup with no new PID, and one that exited, are seen by the survey aside', async (t) => {
  if (missing(t, isRoot(), 'root (creates cgroups)')) return;
  if (missing(t, existsSync(pidnsHelperPath()), `${pidnsHelperPath()} (npm run build)`)) return;
  const id = randomBytes(32).toString('hex');
  const dirs = tctopCgroupDirs(id);
  const stays = spawn('sleep', ['60'], { stdio: 'ignore' });
  const exits = spawn('sleep', ['60'], { stdio: 'ignore' });
  const scanner = new HostScanner({ fullPassIntervalMs: 1500, fullPassAside: true });
  t.after(async () => {
    scanner.close();
    stays.kill('SIGKILL');
    exits.kill('SIGKILL');
    await sleep(100);
    for (const d of dirs) if (existsSync(d)) rmdirSync(d);
  });
  await sleep(50);
  scanner.scan(); // a full pass of its own: both sleeps known
  await sleep(1000);
  scanner.scan(); // the next one is due a full pass: the survey for it is scheduled
  for (const d of dirs) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'cgroup.procs'), String(stays.pid));
  }
  exits.kill('SIGKILL');
  await new Promise((resolve) => exits.once('exit', resolve));
  await sleep(20); // reaped
  await scanner.asideSurveyIn();
  const snapshot = scanner.scan();
  assert.deepEqual(scanner.asideCounts, { started: 1, taken: 1, dropped: 0 });
  const found = snapshot.containers.find((c) => c.id === id);
  assert.ok(found, 'the container cgroup is found by the listing made aside');
  assert.equal(found.init?.hostPid, stays.pid);
  const tracker = (scanner as unknown as { setup: { tracker: { pids: { has(pid: number): boolean } } } }).setup.tracker;
  assert.equal(tracker.pids.has(exits.pid!), false, 'the exited process is forgotten');
  assert.equal(tracker.pids.has(stays.pid!), true);
});
