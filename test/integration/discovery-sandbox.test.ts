// A PID namespace no runtime claims (`unshare --pid --fork --mount-proc`) is still a container: runtime sandbox,
// named after its init, every process of the namespace included (one nsenter'd from outside too).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { hasCommand, isRoot, missing } from '../helpers/prereq.js';
import {
  childrenOf,
  foreignPidsInReportedCgroup,
  HOST_NS_PID,
  inspectOne,
  killGroup,
  nsInode,
  pidsInPidNamespace,
  spawnGroup,
  tctopJson,
  waitFor,
  type InspectJson,
  type PsRowJson,
} from '../helpers/runtimes.js';

test('sandbox: an unclaimed PID namespace', { timeout: 60_000 }, async (t: TestContext) => {
  if (missing(t, isRoot(), 'root')) return;
  if (missing(t, hasCommand('unshare') && hasCommand('nsenter'), 'unshare and nsenter (util-linux)')) return;
  const unshare = spawnGroup('unshare', ['--pid', '--fork', '--mount-proc', 'sleep', '1000']);
  let initPid: number | undefined;
  let joiner: ReturnType<typeof spawnGroup> | undefined;
  t.after(async () => {
    if (joiner) await killGroup(joiner);
    await killGroup(unshare, initPid ? [initPid] : []);
  });
  initPid = await waitFor(
    () => `unshare's child (unshare said: ${unshare.stderr()})`,
    () => childrenOf(unshare.child.pid!)[0],
  );
  // a second process enters the namespace from outside: its parent (nsenter) is not in the sandbox
  joiner = spawnGroup('nsenter', ['-t', String(initPid), '--pid', '--mount', 'sleep', '999']);
  const joinedPid = await waitFor('the nsenter child', () => childrenOf(joiner!.child.pid!)[0]);
  const pidns = nsInode(initPid, 'pid');

  const row = await waitFor('the sandbox in ps', () =>
    tctopJson<PsRowJson[]>('ps', '--json', '--runtime', 'sandbox').find((r) => r.init?.hostPid === initPid),
  );

  await t.test('ps: runtime sandbox, named after its init, no shim', () => {
    assert.equal(row.runtime, 'sandbox');
    assert.equal(row.name, 'sleep');
    assert.equal(row.state, 'running');
    assert.deepEqual(row.init, { hostPid: initPid, containerPid: 1 });
    assert.equal(row.shim, null, 'no runtime claims unshare as a shim');
  });

  await t.test('inspect: every process of the PID namespace, namespaces as the host sees them', () => {
    const c: InspectJson = inspectOne(row.id);
    assert.deepEqual(
      c.processes.map((p) => p.hostPid).sort((a, b) => a - b),
      pidsInPidNamespace(pidns),
    );
    const joined = c.processes.find((p) => p.hostPid === joinedPid);
    assert.equal(joined?.containerPid, 2, 'the first process to enter after init is PID 2');
    assert.equal(joined?.ppid, joiner?.child.pid);
    for (const type of ['pid', 'mnt', 'net', 'uts', 'ipc']) {
      const ns = c.namespaces.find((n) => n.type === type);
      assert.equal(ns?.inode, nsInode(initPid!, type), `${type} inode`);
      const own = type === 'pid' || type === 'mnt'; // unshare --pid --mount-proc: only these are new
      assert.equal(ns?.sharedWithHost, !own, `${type} sharedWithHost`);
      assert.equal(ns?.inode === nsInode(HOST_NS_PID, type), !own);
    }
    assert.equal(tctopJson<InspectJson[]>('inspect', '--json', '--pid', String(joinedPid))[0].id, row.id);
  });

  await t.test('resource figures are not those of the cgroup it shares with the test', () => {
    const c = inspectOne(row.id);
    assert.deepEqual(foreignPidsInReportedCgroup(c), [], `cgroup ${c.cgroup?.path} holds other processes`);
    assert.equal(c.cgroup, null, 'the sandbox shares the test runner cgroup: it has no figures of its own');
  });
});
