// Quiet containers (src/snapshot/quiet-containers.ts) on the real host: a long-running scanner reads an idle Docker
// container from its signal files alone and reuses the rest; the moment its init runs (a signal whose trap spins a
// bounded loop, no new process) the next scan reads it whole and shows its CPU rising, and a process exec'd into it
// is in the next scan too. Full passes and max-age reads are pushed far away: only movement can make a full read.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HostScanner } from '../../src/snapshot/scanner.js';
import type { Container, HostSnapshot } from '../../src/snapshot/model.js';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent } from '../helpers/docker.js';
import { isRoot, missing } from '../helpers/prereq.js';
import { ReadLog } from '../helpers/read-log.js';

// the init waits in a builtin; SIGUSR1's trap counts to 400,000 in the shell itself (a second or more of CPU here)
const INIT = 'trap "i=0; while [ \\$i -lt 400000 ]; do i=\\$((i+1)); done" USR1; while :; do sleep 3600 & wait $!; done';

const find = (snap: HostSnapshot, id: string): Container => {
  const c = snap.containers.find((x) => x.id === id);
  assert.ok(c, 'the container is in the snapshot');
  return c;
};

/**
 * The containers once idle: the runtime's setup ended and the sleep is forked (sh and its sleep in each), and two
 * scans in a row give each the same CPU time; as the second scan saw them, or undefined after 20 tries.
 */
async function settledIdle(scanner: HostScanner, ids: string[]): Promise<Container[] | undefined> {
  for (let i = 0; i < 20; i++) {
    await sleep(500);
    const before = ids.map((id) => find(scanner.scan(), id));
    await sleep(300);
    const snap = scanner.scan();
    const now = ids.map((id) => find(snap, id));
    const still = now.every(
      (c, k) => before[k].pids.length === 2 && c.pids.length === 2 && c.cgroup?.cpu?.usageSeconds === before[k].cgroup?.cpu?.usageSeconds,
    );
    if (still) return now;
  }
  return undefined;
}

test('an idle container is reused scan after scan; its init running, or a process exec into it, shows in the next scan', async (t) => {
  if (missing(t, isRoot(), 'root (reads every cgroup)')) return;
  if (missing(t, dockerAvailable() && testImagePresent(), 'docker and the test image (test/prereqs.sh)')) return;
  const name = `tctop-quiet-${process.pid}`;
  t.after(() => dockerRm(name));
  const id = dockerRun(name, ['--pull', 'never', '--network', 'none'], ['sh', '-c', INIT]);
  const scanner = new HostScanner({ fullPassIntervalMs: 10 * 60_000, quietMaxAgeMs: 10 * 60_000 });
  t.after(() => scanner.close());

  const [idle] = (await settledIdle(scanner, [id])) ?? [];
  assert.ok(idle, 'the container went idle (sh and its sleep)');
  const initPid = idle.init!.hostPid;
  await sleep(300);
  const still = scanner.scan();
  assert.deepEqual(find(still, id).cgroup, idle.cgroup, 'an idle container reads as before');
  const ticksIdle = still.processes.get(initPid)!.cpuTicks;

  spawnSync('docker', ['kill', '-s', 'USR1', name], { stdio: 'ignore', timeout: 15_000 });
  await sleep(700); // the loop runs on
  const busySnap = scanner.scan();
  const busy = find(busySnap, id);
  assert.ok(busy.cgroup!.cpu!.usageSeconds > idle.cgroup!.cpu!.usageSeconds + 0.05, 'CPU rises in the next scan');
  assert.ok(busySnap.processes.get(initPid)!.cpuTicks > ticksIdle, "the init's stat was read again, not reused");

  spawnSync('docker', ['exec', '-d', name, 'sleep', '30'], { stdio: 'ignore', timeout: 15_000 });
  await sleep(300);
  const after = scanner.scan();
  const execd = find(after, id);
  const comms = execd.pids.map((pid) => after.processes.get(pid)?.comm);
  assert.ok(execd.pids.length >= 3, `the exec'd process is a member: ${execd.pids.join(' ')}`);
  assert.ok(comms.includes('sleep'));
});

test('v1: idle containers under one parent cgroup are proven still by its CPU counter alone; one running shows next scan', async (t) => {
  if (missing(t, isRoot(), 'root (reads every cgroup)')) return;
  if (missing(t, dockerAvailable() && testImagePresent(), 'docker and the test image (test/prereqs.sh)')) return;
  if (missing(t, existsSync('/sys/fs/cgroup/cpuacct/cpuacct.usage'), 'a cgroup v1 cpuacct hierarchy (this host)')) return;
  const names = ['a', 'b'].map((n) => `tctop-quiet-${n}-${process.pid}`);
  t.after(() => dockerRm(...names));
  const log = new ReadLog(t);
  // docker's cgroup parent, /docker: no other test's container runs beside these (one test file at a time)
  const ids = names.map((name) => dockerRun(name, ['--pull', 'never', '--network', 'none'], ['sh', '-c', INIT]));
  const scanner = new HostScanner({ fullPassIntervalMs: 10 * 60_000, quietMaxAgeMs: 10 * 60_000 });
  t.after(() => scanner.close());

  const idle = await settledIdle(scanner, ids);
  assert.ok(idle, 'both containers went idle (sh and its sleep)');
  await sleep(300);
  log.clear();
  const still = scanner.scan();
  ids.forEach((id, k) => assert.deepEqual(find(still, id).cgroup, idle![k].cgroup, 'an idle container reads as before'));
  const cpuReads = [...log.read].filter((f) => /\/docker\/([0-9a-f]{64}\/)?cpuacct\.usage$/.test(f));
  assert.deepEqual(
    cpuReads.map((f) => f.slice(f.indexOf('/docker/'))),
    ['/docker/cpuacct.usage'],
    "the parent's CPU counter is read, not its children's",
  );

  spawnSync('docker', ['kill', '-s', 'USR1', names[0]], { stdio: 'ignore', timeout: 15_000 });
  await sleep(700);
  const busySnap = scanner.scan();
  assert.ok(find(busySnap, ids[0]).cgroup!.cpu!.usageSeconds > idle[0].cgroup!.cpu!.usageSeconds + 0.05, 'CPU rises in the next scan');
  assert.deepEqual(find(busySnap, ids[1]).cgroup, idle[1].cgroup, 'its idle sibling reads as before');
});
