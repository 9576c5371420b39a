// Discovery against real systemd-nspawn (a child of this test, --register=no --keep-unit: no machined needed):
// runtime nspawn, the -M machine name, the systemd-nspawn process as shim, with the command as PID 1 and with
// --as-pid2 (nspawn's stub init as PID 1, the command as PID 2).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { dockerAvailable, TEST_IMAGE, testImagePresent } from '../helpers/docker.js';
import { hasCommand, isRoot, missing } from '../helpers/prereq.js';
import {
  busyboxRootfs,
  cgroupDirsNamed,
  childrenOf,
  foreignPidsInReportedCgroup,
  HOST_NS_PID,
  inspectOne,
  killGroup,
  NAMESPACE_TYPES,
  nsInode,
  psRow,
  removeNewCgroupDirs,
  spawnGroup,
  waitFor,
  type InspectJson,
} from '../helpers/runtimes.js';

/**
 * With --keep-unit nspawn stays in this process's cgroup and splits it into payload/ and supervisor/ children
 * (name=systemd and v2 hierarchies), which outlive it: the names to remove afterwards.
 */
function nspawnCgroupNames(): string[] {
  const own = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .map((l) => /^\d+:(name=systemd|):(.*)$/.exec(l)?.[2])
    .filter((p): p is string => p !== undefined);
  return [...new Set(own)].flatMap((p) => [join(p, 'payload'), join(p, 'supervisor')]);
}

test('systemd-nspawn: tctop finds the machine and its supervisor', { timeout: 60_000 }, async (t: TestContext) => {
  if (missing(t, isRoot(), 'root')) return;
  if (missing(t, hasCommand('systemd-nspawn'), 'systemd-nspawn (systemd-container)')) return;
  if (missing(t, dockerAvailable() && testImagePresent(), `dockerd and ${TEST_IMAGE} for the rootfs (bash test/prereqs.sh)`)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tctop-nspawn-'));
  const cgroupNames = nspawnCgroupNames();
  const cgroupsBefore = cgroupDirsNamed(...cgroupNames);
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    removeNewCgroupDirs(cgroupsBefore, ...cgroupNames);
  });
  const rootfs = busyboxRootfs(dir);

  /** Starts a machine, checks what tctop says about it, stops it (one at a time: nspawn locks the directory). */
  async function checkMachine(st: TestContext, machine: string, extraArgs: string[], payloadContainerPid: number): Promise<void> {
    const nspawn = spawnGroup('systemd-nspawn', [
      '--register=no',
      '--keep-unit',
      '-q',
      ...extraArgs,
      '-D',
      rootfs,
      '-M',
      machine,
      '/bin/sleep',
      '1000',
    ]);
    const supervisor = nspawn.child.pid!;
    st.after(async () => {
      // the machine's init first: killing a PID namespace's init ends everything in it
      await killGroup(nspawn, childrenOf(supervisor));
      // nspawn leaves its mount-propagation directory behind when it is killed
      rmSync(join('/run/systemd/nspawn/propagate', machine), { recursive: true, force: true });
    });
    // once the payload runs, the supervisor has exactly one child, the container's init (the payload itself, or
    // with --as-pid2 nspawn's stub init, the payload's parent); while it starts it forks short-lived helpers
    const payload = await waitFor(
      () => `${machine} to start (systemd-nspawn said: ${nspawn.stderr()})`,
      () => psRow(machine, 'nspawn') && inspectOne(machine).processes.find((p) => p.command === '/bin/sleep 1000'),
      15_000,
    );
    const children = childrenOf(supervisor);
    assert.equal(children.length, 1, 'systemd-nspawn has one child');
    const initPid = children[0];
    const row = psRow(machine, 'nspawn');
    assert.ok(row, `${machine} in ps --runtime nspawn`);
    assert.equal(row.name, machine);
    assert.equal(row.state, 'running');
    assert.equal(row.image, rootfs, 'the directory stands in for an image');
    assert.deepEqual(row.init, { hostPid: initPid, containerPid: 1 });
    assert.equal(row.shim?.pid, supervisor, 'the systemd-nspawn process is the shim');
    assert.match(row.shim?.command ?? '', /^systemd-nspawn /);

    const c: InspectJson = inspectOne(machine);
    assert.equal(c.runtime, 'nspawn');
    assert.equal(payload.containerPid, payloadContainerPid);
    for (const type of NAMESPACE_TYPES) {
      const ns = c.namespaces.find((n) => n.type === type);
      assert.equal(ns?.inode, nsInode(initPid, type), `${type} inode`);
      // no --private-network: the machine keeps the host's network namespace, and tctop must say so
      assert.equal(ns?.sharedWithHost, nsInode(HOST_NS_PID, type) === ns?.inode, `${type} sharedWithHost`);
      if (type !== 'net') assert.equal(ns?.sharedWithHost, false, `${type} is the machine's own`);
    }
    await st.test('its resource figures are its own, not the cgroup --keep-unit shares', () => {
      const c = inspectOne(machine);
      assert.deepEqual(foreignPidsInReportedCgroup(c), [], 'the reported cgroup holds only the machine');
      // --keep-unit leaves the machine in systemd-nspawn's own cgroup: no figures rather than nspawn's
      assert.equal(c.cgroup, null);
    });
  }

  await t.test('the command as PID 1', (st) => checkMachine(st, `tctop-nsp-${process.pid}`, [], 1));
  await t.test('--as-pid2: stub init as PID 1, the command as PID 2', (st) =>
    checkMachine(st, `tctop-nsp2-${process.pid}`, ['--as-pid2'], 2),
  );
});
