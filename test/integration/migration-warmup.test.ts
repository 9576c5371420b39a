// The CLI keeps cgroup migrations warm while a container starts (src/engine/containers/migration-warmup.ts): a move
// into a cgroup then skips the kernel's RCU grace period. Real cgroups, a real process moved between two of them.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { createContainerCgroup, removeContainerCgroup } from '../../src/engine/containers/cgroups.js';
import { endCgroupMigrationWarmup, warmCgroupMigrations } from '../../src/engine/containers/migration-warmup.js';
import { newContainerId } from '../../src/engine/containers/ids.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('while warm, moving a process into a cgroup takes no grace period; our own cgroups stay as they were', async (t) => {
  const id = newContainerId();
  const cgroup = createContainerCgroup(id, {});
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(async () => {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await removeContainerCgroup(id);
  });
  const ownBefore = readFileSync('/proc/self/cgroup', 'utf8');
  warmCgroupMigrations(10_000);
  await sleep(80); // the first of our moves waits out the grace period itself
  const into = join(cgroup.dirs[0], 'cgroup.procs');
  const back = join(dirname(cgroup.dirs[0]), 'cgroup.procs');
  const took: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    await writeFile(i % 2 === 0 ? into : back, String(child.pid)); // on the thread pool: our loop keeps ticking
    took.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await sleep(100); // long enough for a lock nobody keeps warm to go cold (two grace periods)
  }
  endCgroupMigrationWarmup();
  took.sort((a, b) => a - b);
  // a grace period is 4-25 ms on this host; a warm move a few hundred microseconds (thread pool hop included)
  assert.ok(took[2] < 3, `median move ${took[2].toFixed(2)} ms (all: ${took.map((x) => x.toFixed(2)).join(', ')})`);
  assert.equal(readFileSync('/proc/self/cgroup', 'utf8'), ownBefore);
});

test('the warm-up never keeps a process alive', () => {
  const script = `import('${new URL('../../src/engine/containers/migration-warmup.js', import.meta.url).href}').then((m) => m.warmCgroupMigrations(60000))`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Date.now() - t0 < 2000, `exited after ${Date.now() - t0} ms, not after its 60 s of warm-up`);
});
