// The incremental scanner on the real host: a process that a runtime moves into a new container cgroup just after
// it was first probed (as every runtime does with its container's first process) is found by the next scan, not
// only by the next full pass.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HostScanner } from '../../src/snapshot/scanner.js';
import { tctopCgroupDirs } from '../helpers/host-probes.js';
import { isRoot, missing } from '../helpers/prereq.js';

test('a new process moved into a new container cgroup after its first probe is found by the next incremental scan', async (t) => {
  if (missing(t, isRoot(), 'root (creates cgroups)')) return;
  const id = randomBytes(32).toString('hex');
  const dirs = tctopCgroupDirs(id);
  const scanner = new HostScanner({ fullPassIntervalMs: 10 * 60_000 });
  scanner.scan(); // the full pass; everything after is incremental

  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(async () => {
    child.kill('SIGKILL');
    await sleep(100);
    for (const d of dirs) if (existsSync(d)) rmdirSync(d);
  });
  await sleep(50);
  const young = scanner.scan();
  assert.ok(!young.containers.some((c) => c.id === id), 'not a container yet');

  for (const d of dirs) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'cgroup.procs'), String(child.pid));
  }
  const moved = scanner.scan();
  const found = moved.containers.find((c) => c.id === id);
  assert.ok(found, 'the container cgroup is found without waiting for a full pass');
  assert.equal(found.runtime, 'tctop');
  assert.equal(found.init?.hostPid, child.pid);
});
