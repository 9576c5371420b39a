// The shim's exec mode: joins every namespace and the cgroup of a running container, drops to Docker's default
// capabilities, propagates the exit code, and runs from a sealed memfd copy that nothing inside can read.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, readFileSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { cgroupPids } from '../../src/engine/containers/cgroups.js';
import { shimBinaryPath } from '../../src/engine/containers/shim-binary.js';
import { envFd, needRootAndBusybox, shimExec, shimExecSync, startBox, waitExit, waitFor } from './native-shim-harness.js';

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function capLine(pid: number, key: string): string {
  return readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(key + ':'))!
    .split(/\s+/)[1];
}

test("exec: joins the init's namespaces and cgroup, default caps and no_new_privs; stdio inherited; exit code propagates", async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, { args: ['sleep', '60'], hostname: 'execbox' });
  const r = shimExecSync(
    box,
    ['sh', '-c', 'hostname; cat /proc/self/cgroup | cut -d: -f3 | sort -u; cat /proc/1/comm; echo to-stderr >&2; pwd; exit 7'],
    { cwd: '/tmp' },
  );
  assert.equal(r.status, 7, r.stderr);
  assert.equal(r.stdout, 'execbox\n/\nsleep\n/tmp\n', "hostname, cgroup ns root, the container's PID 1, cwd");
  assert.equal(r.stderr, 'to-stderr\n');

  // a long-running exec, inspected from the host
  const { args, containerEnv } = shimExec(box, ['sleep', '30']);
  const fd = envFd(containerEnv);
  const child = spawn(shimBinaryPath(), args, { stdio: ['ignore', 'ignore', 'ignore', fd] });
  closeSync(fd);
  t.after(() => child.kill('SIGKILL'));
  let execd = 0;
  await waitFor("the exec'd sleep in the container cgroup", () => {
    execd = cgroupPids(box.id).find((p) => p !== box.pid && comm(p) === 'sleep') ?? 0;
    return execd > 0;
  });
  for (const ns of ['pid', 'mnt', 'uts', 'ipc', 'net', 'cgroup'])
    assert.equal(readlinkSync(`/proc/${execd}/ns/${ns}`), readlinkSync(`/proc/${box.pid}/ns/${ns}`), `same ${ns} ns as the init`);
  assert.equal(readlinkSync(`/proc/${execd}/root`), '/');
  assert.equal(readFileSync(`/proc/${execd}/cgroup`, 'utf8'), readFileSync(`/proc/${box.pid}/cgroup`, 'utf8'));
  assert.equal(capLine(execd, 'CapEff'), '00000000a80425fb');
  assert.equal(capLine(execd, 'CapBnd'), '00000000a80425fb');
  assert.equal(capLine(execd, 'NoNewPrivs'), '1');
  const ppid = Number(readFileSync(`/proc/${execd}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  assert.equal(ppid, child.pid!, 'the exec shim waits for its child');
  assert.equal(readlinkSync(`/proc/${child.pid}/exe`), '/memfd:tctop-shim (deleted)', 'the exec shim runs from a sealed memfd copy');
  assert.equal(comm(child.pid!), 'tctop-shim');
  assert.ok(!cgroupPids(box.id).includes(child.pid!), 'the exec shim stays outside the container cgroup: only its command is a member');
  assert.ok(!readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').includes('PATH='), "the environment is not in the exec shim's argv");
  // a signal to the exec shim reaches the command; its death is 128+signal
  const code = new Promise((r) => child.on('exit', (c) => r(c)));
  process.kill(child.pid!, 'SIGTERM');
  assert.equal(await code, 143);

  process.kill(box.pid, 'SIGKILL');
  await waitExit(box);
});

test('exec: not found is 127 with a message; a non-root user has no capabilities; env is exactly what --env-fd carries, never in argv; a host PID is refused', async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, { args: ['sleep', '60'] });
  const missing = shimExecSync(box, ['no-such-cmd']);
  assert.equal(missing.status, 127);
  assert.equal(missing.stderr, 'tctop: exec no-such-cmd: No such file or directory\n');
  const user = shimExecSync(box, ['sh', '-c', 'id; grep -E "^Cap(Eff|Prm|Bnd)" /proc/self/status'], { uid: 65534, gid: 65534 });
  assert.equal(user.status, 0, user.stderr);
  assert.equal(
    user.stdout,
    'uid=65534(nobody) gid=65534(nogroup)\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\n',
  );
  const env = shimExecSync(box, ['env'], { env: ['PATH=/bin', 'X=a b'] });
  assert.equal(env.stdout, 'PATH=/bin\nX=a b\n');
  const noDir = shimExecSync(box, ['true'], { cwd: '/no/such/dir' });
  assert.equal(noDir.status, 126);
  assert.equal(noDir.stderr, 'error: chdir /no/such/dir: No such file or directory (ENOENT)\n');
  const host = spawnSync(shimBinaryPath(), ['exec', '--pid', String(process.pid), '--', 'true'], { encoding: 'utf8' });
  assert.equal(host.status, 1);
  assert.equal(host.stderr, `error: PID ${process.pid} is not a container init: it shares our PID namespace\n`);
  const bad = shimExecSync(box, []);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^error: no command \(usage: tctop-shim exec/);
  process.kill(box.pid, 'SIGKILL');
  await waitExit(box);
});

test('exec: the shim binary is unreachable from inside (the runc /proc/self/exe lesson)', async (t) => {
  if (needRootAndBusybox(t)) return;
  const box = await startBox(t, { args: ['sleep', '60'] });
  // hold the exec'd child just before its execve: the one moment a shim process is visible inside
  const { args, env, containerEnv } = shimExec(box, ['true'], { extraEnv: { TCTOP_SHIM_TEST_HOLD_MS: '3000' } });
  const fd = envFd(containerEnv);
  // the hold is a test hook, compiled only into the test build: the engine's binary does not even know its name
  assert.ok(!readFileSync(shimBinaryPath()).includes('TCTOP_SHIM_TEST_HOLD_MS'), 'no test hook in the production shim');
  const testShim = resolve('native/build/tctop-shim-test');
  assert.ok(readFileSync(testShim).includes('TCTOP_SHIM_TEST_HOLD_MS'));
  const held = spawn(testShim, args, { stdio: ['ignore', 'ignore', 'ignore', fd], env });
  closeSync(fd);
  t.after(() => held.kill('SIGKILL'));
  let inner = 0;
  await waitFor('the held exec child', () => {
    inner = cgroupPids(box.id).find((p) => p !== box.pid && comm(p) === 'tctop-shim') ?? 0;
    return inner > 0;
  });
  assert.equal(readlinkSync(`/proc/${inner}/exe`), '/memfd:tctop-shim (deleted)', 'even the host sees only the sealed copy');
  const probe = shimExecSync(box, [
    'sh',
    '-c',
    'for p in /proc/[0-9]*; do [ "$(cat $p/comm)" = tctop-shim ] || continue; echo "pid ${p#/proc/}"; cat $p/exe > /dev/null && echo READ || echo denied; readlink $p/exe || echo no-link; ls $p/root/ > /dev/null && echo ROOT || echo no-root; done',
  ]);
  assert.equal(probe.status, 0, probe.stderr);
  assert.match(probe.stdout, /^pid \d+\n/, 'the held exec child is visible in the container');
  assert.match(probe.stdout, /\ndenied\nno-link\nno-root\n$/);
  assert.match(probe.stderr, /Permission denied/);
  held.kill('SIGKILL');
  process.kill(box.pid, 'SIGKILL');
  await waitExit(box);
});
