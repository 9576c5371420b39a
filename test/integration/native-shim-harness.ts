// Drives the real native shim directly (no TS lifecycle): a busybox-static rootfs made from the host's
// /bin/busybox as the single lower layer, launch.conf from the real encoder, cgroups from cgroups.ts.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import {
  cgroupPids,
  createContainerCgroup,
  removeContainerCgroup,
  type ContainerCgroup,
  type ResourceLimits,
} from '../../src/engine/containers/cgroups.js';
import { writeLaunchConf, type LaunchConf } from '../../src/engine/containers/launch-conf.js';
import { shimBinaryPath } from '../../src/engine/containers/shim-binary.js';
import type { ExitRecord } from '../../src/engine/containers/state.js';
import { hasCommand, isRoot, missing } from '../helpers/prereq.js';

export const BUSYBOX = '/bin/busybox';

export function needRootAndBusybox(t: TestContext): boolean {
  return missing(t, isRoot(), 'root') || missing(t, existsSync(BUSYBOX) && hasCommand('busybox'), 'busybox-static at /bin/busybox');
}

/** A rootfs dir: /bin/busybox + one symlink per applet, /etc/passwd and /etc/group with root and nobody. */
export function makeBusyboxLayer(dir: string): string {
  const layer = join(dir, 'layer');
  for (const d of ['bin', 'etc', 'tmp', 'root', 'home/nobody']) mkdirSync(join(layer, d), { recursive: true });
  copyFileSync(BUSYBOX, join(layer, 'bin/busybox'));
  spawnSync('chmod', ['755', join(layer, 'bin/busybox')]);
  const applets = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((a) => a && a !== 'busybox');
  for (const a of applets) symlinkSync('busybox', join(layer, 'bin', a));
  writeFileSync(join(layer, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home/nobody:/bin/false\n');
  writeFileSync(join(layer, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  return layer;
}

export interface Box {
  id: string;
  dir: string;
  tmp: string;
  cgroup: ContainerCgroup;
  pid: number;
  shimPid: number;
  startedMs: number;
}

export interface BoxOptions {
  args: string[];
  env?: string[];
  limits?: ResourceLimits;
  network?: 'none' | 'host';
  readOnly?: boolean;
  hostname?: string;
  cwd?: string;
  uid?: number;
  gid?: number;
  groups?: number[];
  binds?: LaunchConf['binds'] | ((tmp: string) => LaunchConf['binds']);
  /** Where the container cgroup goes (default /sys/fs/cgroup, detected v1 or v2). */
  cgroupRoot?: string;
  /** Layers above the busybox one, top-most first (made in the tmp dir). */
  upperLayers?: (tmp: string) => string[];
  /** Extra fds the "CLI" passes to the shim (as 3, 4, ...): none may reach the container. */
  leakFds?: number[];
  /** Runs in the tmp dir before the container starts (e.g. make bind sources). */
  prepare?: (tmp: string) => void;
}

export function mountLinesMentioning(s: string): number {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(s)).length;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Spawns the shim as the CLI would; resolves with its stdout line, stderr and exit code. */
export function runShim(
  id: string,
  dir: string,
  leakFds: number[] = [],
): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(shimBinaryPath(), ['--id', id, '--state', dir], { stdio: ['ignore', 'pipe', 'pipe', ...leakFds] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.on('close', (code) => resolve({ code, out, err, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
  });
}

/** Writes the bundle + launch.conf + cgroups; registers a cleanup that must leave nothing behind. */
export async function prepareBox(
  t: TestContext,
  o: BoxOptions,
): Promise<{ id: string; dir: string; tmp: string; cgroup: ContainerCgroup }> {
  const tmp = mkdtempSync(join(tmpdir(), 'tctop-shim-'));
  const id = randomBytes(32).toString('hex');
  const layer = makeBusyboxLayer(tmp);
  const dir = join(tmp, 'containers', id);
  for (const d of ['upper', 'work', 'rootfs']) mkdirSync(join(dir, d), { recursive: true });
  o.prepare?.(tmp);
  const mountsBefore = mountLinesMentioning(tmp);
  const cgroup = createContainerCgroup(id, o.limits ?? {}, o.cgroupRoot);
  t.after(async () => {
    for (const pid of cgroupPids(id, o.cgroupRoot)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await waitFor('the container processes to go', () => cgroupPids(id, o.cgroupRoot).length === 0);
    await removeContainerCgroup(id, o.cgroupRoot);
    for (const d of cgroup.dirs) assert.equal(existsSync(d), false, `cgroup ${d} removed`);
    assert.equal(mountLinesMentioning(tmp), mountsBefore, 'no mount left behind');
    rmSync(tmp, { recursive: true, force: true });
  });
  await writeLaunchConf(join(dir, 'launch.conf'), {
    id,
    lowerDirs: [...(o.upperLayers?.(tmp) ?? []), layer],
    upperDir: join(dir, 'upper'),
    workDir: join(dir, 'work'),
    rootfs: join(dir, 'rootfs'),
    readOnly: o.readOnly ?? false,
    hostname: o.hostname ?? id.slice(0, 12),
    network: o.network ?? 'none',
    args: o.args,
    env: o.env ?? [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      `HOSTNAME=${o.hostname ?? id.slice(0, 12)}`,
      'HOME=/root',
    ],
    cwd: o.cwd ?? '/',
    uid: o.uid ?? 0,
    gid: o.gid ?? 0,
    groups: o.groups ?? [],
    binds: typeof o.binds === 'function' ? o.binds(tmp) : (o.binds ?? []),
    cgroups: cgroup.dirs,
    oomFile: cgroup.oomFile,
    logFile: join(dir, 'container.log'),
    exitFile: join(dir, 'exit.json'),
  });
  return { id, dir, tmp, cgroup };
}

/** Prepares and starts a container; fails the test unless the shim says `started`. */
export async function startBox(t: TestContext, o: BoxOptions): Promise<Box> {
  const p = await prepareBox(t, o);
  const r = await runShim(p.id, p.dir, o.leakFds);
  assert.equal(r.code, 0, `shim failed: ${r.err}${r.out}`);
  const m = /^started (\d+) (\d+)\n$/.exec(r.out);
  assert.ok(m, `unexpected shim output ${JSON.stringify(r.out)}`);
  assert.equal(r.err, '');
  const box = { ...p, pid: Number(m[1]), shimPid: Number(m[2]), startedMs: r.ms };
  t.after(async () => {
    // the shim exits after its init; a test that left the container running has it killed by the cleanup above
    await waitFor('the shim to exit', () => !alive(box.shimPid) || isZombie(box.shimPid));
  });
  return box;
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

export async function waitExit(box: { dir: string }, timeoutMs = 20_000): Promise<ExitRecord> {
  const file = join(box.dir, 'exit.json');
  await waitFor('exit.json', () => existsSync(file), timeoutMs);
  return JSON.parse(readFileSync(file, 'utf8')) as ExitRecord;
}

export interface LogRecord {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}

export function readLog(box: { dir: string }): LogRecord[] {
  const file = join(box.dir, 'container.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogRecord);
}

export function stdoutOf(box: { dir: string }): string {
  return readLog(box)
    .filter((r) => r.stream === 'stdout')
    .map((r) => r.log)
    .join('');
}

/** Runs the shim's exec mode against a running box. */
export function shimExec(
  box: Box,
  cmd: string[],
  opts: { uid?: number; gid?: number; env?: string[]; cwd?: string; extraEnv?: NodeJS.ProcessEnv; caps?: boolean } = {},
) {
  const args = ['exec', '--pid', String(box.pid)];
  for (const d of box.cgroup.dirs) args.push('--cgroup', d);
  args.push('--env-fd', '3');
  if (opts.cwd) args.push('--cwd', opts.cwd);
  args.push('--uid', String(opts.uid ?? 0), '--gid', String(opts.gid ?? 0));
  if (opts.caps !== false) args.push('--caps-default');
  args.push('--', ...cmd);
  const containerEnv = opts.env ?? ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'];
  return { args, env: { ...process.env, ...opts.extraEnv }, containerEnv };
}

/** The container environment on a descriptor, as --env-fd wants it: a file opened for reading (works with spawnSync). */
export function envFd(entries: string[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-env-'));
  const file = join(dir, 'env');
  writeFileSync(file, entries.map((e) => `${e}\0`).join(''), { mode: 0o600 });
  const fd = openSync(file, 'r');
  rmSync(dir, { recursive: true, force: true });
  return fd;
}

export function shimExecSync(box: Box, cmd: string[], opts: Parameters<typeof shimExec>[2] = {}) {
  const { args, env, containerEnv } = shimExec(box, cmd, opts);
  const fd = envFd(containerEnv);
  try {
    return spawnSync(shimBinaryPath(), args, { encoding: 'utf8', env, timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe', fd] });
  } finally {
    closeSync(fd);
  }
}
