// Discovery against plain runc (no shim, no daemon): a bundle from the busybox rootfs, `runc run -d`; tctop must
// show runtime runc, the container ID, the init `runc state` records, and exec'd processes too; rootless runc as well.
import assert from 'node:assert/strict';
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { test, type TestContext } from 'node:test';
import { dockerAvailable, TEST_IMAGE, testImagePresent } from '../helpers/docker.js';
import { hasCommand, isRoot, missing, sh } from '../helpers/prereq.js';
import {
  busyboxRootfs,
  foreignPidsInReportedCgroup,
  HOST_NS_PID,
  inspectOne,
  NAMESPACE_TYPES,
  nsInode,
  psRow,
  tctopJson,
  waitFor,
  type InspectJson,
} from '../helpers/runtimes.js';

const id = `tctop-runc-${process.pid}`;

interface RuncState {
  pid: number;
  status: string;
  bundle: string;
}

const runcState = (): RuncState => JSON.parse(sh('runc', ['state', id])) as RuncState;

/** The host's own memory-cgroup line for a process, the path tctop should report. */
function memoryCgroupOf(pid: number): string {
  return /^\d+:memory:(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, 'utf8'))?.[1] ?? '';
}

/** All processes of the container, from runc itself. */
function runcPids(): number[] {
  return (JSON.parse(sh('runc', ['ps', '--format', 'json', id])) as number[]).sort((a, b) => a - b);
}

/** `runc run -d` / `exec -d`: the container keeps runc's stdio, so stderr goes to a file, never a pipe we wait on. */
function runcDetached(bundle: string, args: string[], runAs: string[] = []): void {
  const logPath = join(bundle, 'runc.stderr');
  const log = openSync(logPath, 'w');
  try {
    const [cmd, ...rest] = [...runAs, 'runc', ...args];
    const r = spawnSync(cmd, rest, { cwd: bundle, stdio: ['ignore', 'ignore', log], timeout: 30_000 });
    assert.equal(r.status, 0, `runc ${args[0]}: ${readFileSync(logPath, 'utf8')}`);
  } finally {
    closeSync(log);
  }
}

test('runc: tctop agrees with runc state and runc ps', { timeout: 60_000 }, async (t: TestContext) => {
  if (missing(t, isRoot(), 'root')) return;
  if (missing(t, hasCommand('runc'), 'runc')) return;
  if (missing(t, dockerAvailable() && testImagePresent(), `dockerd and ${TEST_IMAGE} for the rootfs (bash test/prereqs.sh)`)) return;
  const bundle = mkdtempSync(join(tmpdir(), 'tctop-runc-'));
  t.after(() => {
    spawnSync('runc', ['kill', id, 'KILL'], { stdio: 'ignore' });
    spawnSync('runc', ['delete', '-f', id], { stdio: 'ignore' });
    rmSync(bundle, { recursive: true, force: true });
  });
  busyboxRootfs(bundle);
  sh('runc', ['spec', '--bundle', bundle]);
  const specPath = join(bundle, 'config.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8'));
  spec.process.terminal = false;
  spec.process.args = ['sleep', '1000'];
  writeFileSync(specPath, JSON.stringify(spec));
  runcDetached(bundle, ['run', '-d', '--bundle', bundle, '--pid-file', join(bundle, 'init.pid'), id]);
  runcDetached(bundle, ['exec', '-d', id, 'sleep', '999']);
  await waitFor('exec to start', () => runcPids().length === 2);
  const state = runcState();
  assert.equal(state.status, 'running');
  assert.equal(Number(readFileSync(join(bundle, 'init.pid'), 'utf8')), state.pid);

  await t.test('ps: runtime runc, the ID, init = runc state pid, no shim', () => {
    const row = psRow(id, 'runc');
    assert.ok(row, `${id} in ps --runtime runc`);
    assert.equal(row.name, id);
    assert.equal(row.state, 'running');
    assert.equal(row.image, state.bundle, 'the bundle stands in for an image');
    assert.deepEqual(row.init, { hostPid: state.pid, containerPid: 1 });
    assert.equal(row.shim, null, 'runc exits after starting the container');
  });

  await t.test('inspect: processes = runc ps, own namespaces, its cgroup', () => {
    const c: InspectJson = inspectOne(id);
    assert.equal(c.runtime, 'runc');
    assert.deepEqual(
      c.processes.map((p) => p.hostPid).sort((a, b) => a - b),
      runcPids(),
    );
    assert.ok(
      c.processes.some((p) => p.command === 'sleep 999'),
      "the exec'd process is listed",
    );
    for (const type of NAMESPACE_TYPES) {
      const ns = c.namespaces.find((n) => n.type === type);
      assert.equal(ns?.inode, nsInode(state.pid, type), `${type} inode`);
      assert.equal(ns?.sharedWithHost, false, `${type} not shared`);
      assert.notEqual(ns?.inode, nsInode(HOST_NS_PID, type));
    }
    assert.equal(c.cgroup?.path, memoryCgroupOf(state.pid));
    assert.deepEqual(foreignPidsInReportedCgroup(c), []);
    const exec = c.processes.find((p) => p.command === 'sleep 999')!;
    assert.equal(tctopJson<InspectJson[]>('inspect', '--json', '--pid', String(exec.hostPid))[0].id, id);
  });

  await t.test('runc pause: state paused, as runc list says', () => {
    sh('runc', ['pause', id]);
    try {
      assert.equal(runcState().status, 'paused');
      assert.equal(psRow(id, 'runc')?.state, 'paused');
    } finally {
      sh('runc', ['resume', id]); // a frozen container cannot be killed and deleted cleanly
    }
  });
});

const NOBODY = 65534;
const rootlessId = `tctop-rootless-${process.pid}`;
const rootlessRuntimeDir = `/run/user/${NOBODY}`;
/** Runs as nobody with its own XDG_RUNTIME_DIR: runc then keeps its state in $XDG_RUNTIME_DIR/runc. */
const asNobody = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'env', `XDG_RUNTIME_DIR=${rootlessRuntimeDir}`];

function nobodyCanUnshareUser(): boolean {
  return spawnSync(asNobody[0], [...asNobody.slice(1), 'unshare', '--user', 'true'], { stdio: 'ignore' }).status === 0;
}

test('rootless runc: state under $XDG_RUNTIME_DIR/runc is found too', { timeout: 60_000 }, async (t: TestContext) => {
  if (missing(t, isRoot(), 'root (to become nobody)')) return;
  if (missing(t, hasCommand('runc') && hasCommand('setpriv'), 'runc and setpriv')) return;
  if (missing(t, nobodyCanUnshareUser(), 'unprivileged user namespaces')) return;
  if (missing(t, dockerAvailable() && testImagePresent(), `dockerd and ${TEST_IMAGE} for the rootfs (bash test/prereqs.sh)`)) return;
  const bundle = mkdtempSync(join(tmpdir(), 'tctop-rootless-'));
  // remove afterwards the first of /run/user, /run/user/65534 this test creates (hosts without logind lack both)
  const createdDir = ['/run/user', rootlessRuntimeDir].find((d) => !existsSync(d));
  t.after(() => {
    spawnSync(asNobody[0], [...asNobody.slice(1), 'runc', 'kill', rootlessId, 'KILL'], { stdio: 'ignore' });
    spawnSync(asNobody[0], [...asNobody.slice(1), 'runc', 'delete', '-f', rootlessId], { stdio: 'ignore' });
    rmSync(bundle, { recursive: true, force: true });
    if (createdDir) rmSync(createdDir, { recursive: true, force: true });
  });
  busyboxRootfs(bundle);
  sh('runc', ['spec', '--rootless', '--bundle', bundle]);
  const specPath = join(bundle, 'config.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8'));
  spec.process.terminal = false;
  spec.process.args = ['sleep', '1000'];
  spec.linux.uidMappings = [{ containerID: 0, hostID: NOBODY, size: 1 }];
  spec.linux.gidMappings = [{ containerID: 0, hostID: NOBODY, size: 1 }];
  writeFileSync(specPath, JSON.stringify(spec));
  sh('chown', ['-R', `${NOBODY}:${NOBODY}`, bundle]);
  mkdirSync('/run/user', { recursive: true, mode: 0o755 });
  mkdirSync(rootlessRuntimeDir, { recursive: true, mode: 0o700 });
  chownSync(rootlessRuntimeDir, NOBODY, NOBODY);
  runcDetached(bundle, ['run', '-d', rootlessId], asNobody);
  const state = JSON.parse(sh(asNobody[0], [...asNobody.slice(1), 'runc', 'state', rootlessId])) as RuncState;

  const row = psRow(rootlessId, 'runc');
  assert.ok(row, `${rootlessId} in ps --runtime runc, not left as a sandbox`);
  assert.equal(row.name, rootlessId);
  assert.deepEqual(row.init, { hostPid: state.pid, containerPid: 1 });
  const c = inspectOne(rootlessId);
  assert.equal(c.processes[0]?.user, 'nobody');
  const userns = c.namespaces.find((n) => n.type === 'user');
  assert.equal(userns?.inode, nsInode(state.pid, 'user'));
  assert.equal(userns?.sharedWithHost, false, 'a rootless container has its own user namespace');
});
