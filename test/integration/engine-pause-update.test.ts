// pause/unpause through the real freezer (the container's clock stops, ps says paused) and update on a running
// container (pids.max rewritten and enforced, memory limit rewritten, both persisted for the next start).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { engineMissing, IMAGE, newEngine, sleep } from './engine-harness.js';

const V2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
const cg = (ctl: string, id: string, file: string) =>
  readFileSync(V2 ? `/sys/fs/cgroup/tctop/${id}/${file}` : `/sys/fs/cgroup/${ctl}/tctop/${id}/${file}`, 'utf8').trim();

test('pause freezes every process (its counter stops), ps shows paused, unpause resumes; docker output and errors', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  // the count is renamed into place, so a read never sees the file truncated and not yet written
  const id = e.runDetached([
    '--name',
    'ticker',
    IMAGE,
    'sh',
    '-c',
    'i=0; while :; do i=$((i+1)); echo $i > /tmp/n.t; mv /tmp/n.t /tmp/n; usleep 20000; done',
  ]);
  const counterFile = `/proc/${e.state(id)!.pid}/root/tmp/n`;
  const counter = () => Number(readFileSync(counterFile, 'utf8'));
  for (const deadline = Date.now() + 5000; !existsSync(counterFile) && Date.now() < deadline; ) await sleep(50);
  await sleep(100);
  assert.equal(e.ok(['pause', 'ticker']), 'ticker\n');
  assert.equal(e.ps().find((c) => c.id === id)?.state, 'paused');
  assert.equal(V2 ? cg('', id, 'cgroup.freeze') : cg('freezer', id, 'freezer.state'), V2 ? '1' : 'FROZEN');
  const frozenAt = counter();
  await sleep(400);
  assert.equal(counter(), frozenAt, 'the loop went on while paused');
  const again = e.tctop(['pause', 'ticker']);
  assert.equal(again.status, 1);
  assert.equal(again.stderr, 'tctop: container ticker is already paused\n');
  const ex = e.tctop(['exec', 'ticker', 'true']);
  assert.equal(ex.status, 1);
  assert.match(ex.stderr, /is paused, unpause the container before exec/);
  assert.equal(e.ok(['unpause', id.slice(0, 12)]), id.slice(0, 12) + '\n');
  assert.equal(e.ps().find((c) => c.id === id)?.state, 'running');
  // a loaded host may take a while to schedule the thawed loop: wait for it, bounded
  const deadline = Date.now() + 5000;
  while (counter() <= frozenAt && Date.now() < deadline) await sleep(50);
  assert.ok(counter() > frozenAt, 'the loop resumed');
  assert.equal(e.tctop(['unpause', 'ticker']).stderr, 'tctop: container ticker is not paused\n');
  // a paused container can still be killed and stopped
  e.ok(['pause', 'ticker']);
  e.ok(['kill', 'ticker']);
  assert.equal(e.ok(['wait', 'ticker']), '137\n');
  const stopped = e.tctop(['pause', 'ticker']);
  assert.equal(stopped.status, 1);
  assert.equal(stopped.stderr, 'tctop: container ticker is not running\n');
});

test('update on a running container: pids.max and the memory limit rewritten, enforced, persisted', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const id = e.runDetached(['--name', 'u', '--pids-limit', '100', IMAGE, 'sleep', '3600']);
  assert.equal(cg('pids', id, 'pids.max'), '100');
  assert.equal(e.ok(['update', '--pids-limit', '5', '--memory', '48m', 'u']), 'u\n');
  assert.equal(cg('pids', id, 'pids.max'), '5');
  assert.equal(Number(V2 ? cg('memory', id, 'memory.max') : cg('memory', id, 'memory.limit_in_bytes')), 48 * 1024 * 1024);
  // enforced: init + sh + 3 sleeps = 5 processes; the 4th sleep cannot be forked
  const fork = e.tctop(['exec', 'u', 'sh', '-c', 'sleep 3 & sleep 3 & sleep 3 & sleep 3 & wait'], { timeoutMs: 30_000 });
  assert.match(fork.stderr, /can't fork|Resource temporarily unavailable/);
  assert.ok(Number(cg('pids', id, 'pids.events').match(/max (\d+)/)![1]) > 0, 'the pids controller refused a fork');
  assert.deepEqual(e.state(id)!.config.limits.pidsLimit, 5);
  e.ok(['update', '--cpus', '0.5', '--cpuset-cpus', '0', 'u']);
  assert.equal(V2 ? cg('cpu', id, 'cpu.max') : cg('cpu', id, 'cpu.cfs_quota_us'), V2 ? '50000 100000' : '50000');
  assert.equal(cg('cpuset', id, 'cpuset.cpus'), '0');
  assert.equal(cg('pids', id, 'pids.max'), '5', 'an update keeps the limits it does not name');
  const info = e.inspect('u');
  assert.equal(info.cgroup.pids.limit, 5); // discovery reads the cgroup: inspect shows the new limit
  assert.equal(info.cgroup.memory.limitBytes, 48 * 1024 * 1024);
  // persisted: a restart gets the updated limits back
  e.ok(['stop', '-t', '0', 'u']);
  e.ok(['update', '--pids-limit', '9', 'u']);
  e.ok(['start', 'u']);
  assert.equal(cg('pids', id, 'pids.max'), '9');
  const none = e.tctop(['update', 'u']);
  assert.equal(none.status, 2);
  assert.equal(none.stderr, 'tctop: you must provide one or more flags when using this command\n');
  assert.equal(e.tctop(['update', '--memory', '1k', 'u']).status, 2);
});
