// Discovery against real LXC: a busybox rootfs in a private lxcpath, `lxc-start -d`; tctop must show runtime lxc,
// the container name, init = lxc-info's PID, the `[lxc monitor]` process as shim, and lxc-attach'd processes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { dockerAvailable, TEST_IMAGE, testImagePresent } from '../helpers/docker.js';
import { hasCommand, isRoot, missing, sh } from '../helpers/prereq.js';
import {
  busyboxRootfs,
  cgroupDirsNamed,
  foreignPidsInReportedCgroup,
  HOST_NS_PID,
  inspectOne,
  killGroup,
  NAMESPACE_TYPES,
  nsInode,
  ppidOf,
  psRow,
  removeNewCgroupDirs,
  spawnGroup,
  tctopJson,
  waitFor,
  type InspectJson,
} from '../helpers/runtimes.js';

const name = `tctop-lxc-${process.pid}`;

test('lxc: tctop agrees with lxc-info', { timeout: 60_000 }, async (t: TestContext) => {
  if (missing(t, isRoot(), 'root')) return;
  if (missing(t, hasCommand('lxc-start'), 'lxc')) return;
  if (missing(t, dockerAvailable() && testImagePresent(), `dockerd and ${TEST_IMAGE} for the rootfs (bash test/prereqs.sh)`)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tctop-lxc-'));
  const lxcpath = join(dir, 'lxc');
  const cgroupNames = ['lxc.pivot', `lxc.payload.${name}`, `lxc.monitor.${name}`];
  const cgroupsBefore = cgroupDirsNamed(...cgroupNames);
  const lxc = (cmd: string, ...args: string[]) => sh(cmd, ['-n', name, '-P', lxcpath, ...args]);
  let attach: ReturnType<typeof spawnGroup> | undefined;
  t.after(async () => {
    if (attach) await killGroup(attach);
    spawnSync('lxc-stop', ['-n', name, '-P', lxcpath, '-k'], { stdio: 'ignore', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
    removeNewCgroupDirs(cgroupsBefore, ...cgroupNames);
  });

  const rootfs = busyboxRootfs(dir);
  mkdirSync(join(lxcpath, name), { recursive: true });
  writeFileSync(
    join(lxcpath, name, 'config'),
    [
      `lxc.uts.name = ${name}`,
      `lxc.rootfs.path = dir:${rootfs}`,
      'lxc.net.0.type = empty',
      'lxc.apparmor.profile = unconfined',
      'lxc.mount.auto = proc:mixed sys:mixed',
      'lxc.init.cmd = /bin/sleep 1000',
      '',
    ].join('\n'),
  );
  const log = join(dir, 'lxc.log');
  const started = spawnSync('lxc-start', ['-n', name, '-P', lxcpath, '-d', '-o', log, '-l', 'INFO'], { stdio: 'ignore', timeout: 30_000 });
  assert.equal(started.status, 0, `lxc-start: ${readFileSync(log, 'utf8').slice(-2000)}`);
  const initPid = await waitFor('lxc-info PID', () => Number(lxc('lxc-info', '-p', '-H').trim()) || undefined);
  attach = spawnGroup('lxc-attach', ['-n', name, '-P', lxcpath, '--', '/bin/sleep', '999']);
  const attached = await waitFor('lxc-attach to start its process', () => {
    const c = inspectOne(name);
    return c.processes.find((p) => p.command === '/bin/sleep 999');
  });

  await t.test('ps: runtime lxc, the name, init = lxc-info PID, the monitor as shim', () => {
    const row = psRow(name, 'lxc');
    assert.ok(row, `${name} in ps --runtime lxc`);
    assert.equal(row.name, name);
    assert.equal(row.state, 'running');
    assert.equal(row.image, rootfs, 'the rootfs stands in for an image');
    assert.deepEqual(row.init, { hostPid: initPid, containerPid: 1 });
    assert.equal(row.shim?.pid, ppidOf(initPid));
    assert.equal(row.shim?.command, `[lxc monitor] ${lxcpath} ${name}`);
  });

  await t.test("inspect: namespaces of its own, its payload cgroup, lxc-attach'd processes", () => {
    const c: InspectJson = inspectOne(name);
    assert.equal(c.runtime, 'lxc');
    assert.equal(c.processes[0]?.hostPid, initPid);
    assert.deepEqual(c.processes.map((p) => p.command).sort(), ['/bin/sleep 1000', '/bin/sleep 999']);
    for (const type of NAMESPACE_TYPES) {
      const ns = c.namespaces.find((n) => n.type === type);
      assert.equal(ns?.inode, nsInode(initPid, type), `${type} inode`);
      assert.equal(ns?.sharedWithHost, false, `${type} not shared`);
      assert.notEqual(ns?.inode, nsInode(HOST_NS_PID, type));
    }
    assert.equal(c.cgroup?.path, `/lxc.payload.${name}`);
    assert.deepEqual(foreignPidsInReportedCgroup(c), []);
    assert.equal(attached.ppid, attach?.child.pid, "an attached process's parent is lxc-attach, outside the container");
    assert.equal(tctopJson<InspectJson[]>('inspect', '--json', '--pid', String(attached.hostPid))[0].id, name);
  });
});
