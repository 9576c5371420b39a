// Real container runtimes for the discovery integration tests: run `bin/tctop` as a user does, and read each
// runtime's own view (docker inspect/top, ctr, runc state, lxc-info, the processes we spawned) to compare with.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './prereq.js';
import { TEST_IMAGE } from './docker.js';

// ---- tctop itself, as a separate process (the JSON contract is what scripts see) ----

export interface TctopResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function tctop(...args: string[]): TctopResult {
  const r = spawnSync(process.execPath, ['bin/tctop', ...args], { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs tctop and parses its JSON output; a non-zero exit fails with tctop's own message. */
export function tctopJson<T>(...args: string[]): T {
  const r = tctop(...args);
  if (r.status !== 0) throw new Error(`tctop ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface ProcessJson {
  hostPid: number;
  containerPid: number;
  ppid: number;
  user: string;
  command: string;
}

export interface NamespaceJson {
  type: string;
  inode: number;
  sharedWithHost: boolean;
}

export interface PsRowJson {
  id: string;
  name: string;
  runtime: string;
  image: string;
  state: string;
  init: { hostPid: number; containerPid: number } | null;
  shim: { pid: number; command: string } | null;
  labels: Record<string, string>;
}

export interface InspectJson extends PsRowJson {
  processes: ProcessJson[];
  namespaces: NamespaceJson[];
  cgroup: {
    version: number;
    path: string;
    memory?: { usageBytes: number; limitBytes?: number };
    pids?: { current: number; limit?: number };
  } | null;
}

export function inspectOne(ref: string): InspectJson {
  const [c] = tctopJson<InspectJson[]>('inspect', '--json', ref);
  return c;
}

/** The ps row of the container with this id, or undefined (runtime filter keeps the scan output small). */
export function psRow(id: string, runtime: string): PsRowJson | undefined {
  return tctopJson<PsRowJson[]>('ps', '--json', '--runtime', runtime).find((r) => r.id === id);
}

// ---- the host's own answers ----

export const NAMESPACE_TYPES = ['pid', 'net', 'mnt', 'uts', 'ipc'] as const;

/** Inode of /proc/<pid>/ns/<type> ("net:[4026531840]"). PID 1 is unreadable here; PID 2 holds the host's. */
export function nsInode(pid: number, type: string): number {
  const m = /\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${type}`));
  if (!m) throw new Error(`unexpected namespace link for ${pid}/${type}`);
  return Number(m[1]);
}

export const HOST_NS_PID = 2;

export function ppidOf(pid: number): number {
  return Number(sh('ps', ['-o', 'ppid=', '-p', String(pid)]).trim());
}

/** Children of a process, as ps sees them. */
export function childrenOf(pid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout.split(/\s+/).filter(Boolean).map(Number);
}

/** Polls until fn returns a truthy value; runtimes start their init asynchronously. `what` is read on timeout. */
export async function waitFor<T>(what: string | (() => string), fn: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- Docker ----

export function dockerInspect(ref: string, format: string): string {
  return sh('docker', ['inspect', '-f', format, ref]).trim();
}

/** `docker top <c> -o pid`: the host PIDs Docker attributes to the container. */
export function dockerTopPids(ref: string): number[] {
  return sh('docker', ['top', ref, '-o', 'pid'])
    .trim()
    .split('\n')
    .slice(1)
    .map(Number)
    .sort((a, b) => a - b);
}

// ---- a busybox root filesystem on disk, for runc, LXC and nspawn ----

/** Exports the test image into <dir>/rootfs (with an empty /usr: nspawn refuses a tree without one). */
export function busyboxRootfs(dir: string): string {
  const rootfs = join(dir, 'rootfs');
  mkdirSync(rootfs, { recursive: true });
  const id = sh('docker', ['create', '--label', 'tctop-test=1', TEST_IMAGE]).trim();
  try {
    const r = spawnSync('sh', ['-c', `docker export ${id} | tar -C "${rootfs}" -xf -`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`docker export failed: ${r.stderr}`);
  } finally {
    spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
  }
  mkdirSync(join(rootfs, 'usr'), { recursive: true });
  return rootfs;
}

// ---- containerd ----

/**
 * The containerd that Docker uses, so the tests start no daemon of their own: the system one when it runs (dockerd
 * then connects to it), else the one dockerd starts for itself under /var/run/docker.
 */
const CONTAINERD_SOCKETS = ['/run/containerd/containerd.sock', '/var/run/docker/containerd/containerd.sock'];

let containerdSocket: string | null | undefined;

/** The first socket a containerd answers on, or null. */
export function containerdAddress(): string | null {
  containerdSocket ??=
    CONTAINERD_SOCKETS.find(
      (s) => existsSync(s) && spawnSync('ctr', ['--address', s, 'version'], { stdio: 'ignore', timeout: 5_000 }).status === 0,
    ) ?? null;
  return containerdSocket;
}

function ctrArgs(namespace: string | null, args: string[]): string[] {
  const address = containerdAddress();
  if (!address) throw new Error('no containerd answers');
  return ['--address', address, ...(namespace ? ['-n', namespace] : []), ...args];
}

export function ctr(namespace: string, args: string[]): string {
  return sh('ctr', ctrArgs(namespace, args));
}

/** ctr for cleanup: never throws; true when it succeeded. `namespace` null for commands on namespaces themselves. */
export function ctrQuiet(namespace: string | null, args: string[]): boolean {
  return spawnSync('ctr', ctrArgs(namespace, args), { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

/** `docker save <image> | ctr images import -`: the test image without a registry. */
export function ctrImportDockerImage(namespace: string, image: string): void {
  const save = spawnSync('docker', ['save', image], { maxBuffer: 256 << 20 });
  if (save.status !== 0) throw new Error(`docker save ${image}: ${save.stderr}`);
  const imported = spawnSync('ctr', ctrArgs(namespace, ['images', 'import', '-']), {
    input: save.stdout,
    encoding: 'buffer',
    timeout: 60_000,
  });
  if (imported.status !== 0) throw new Error(`ctr images import: ${imported.stderr}`);
}

// ---- processes the tests start (nspawn, unshare) ----

export interface Spawned {
  child: ChildProcess;
  /** What it has written to stderr so far (for failure messages). */
  stderr(): string;
}

/** Starts a long-running child in its own process group, so cleanup can kill all it forked. */
export function spawnGroup(cmd: string, args: string[]): Spawned {
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  return { child, stderr: () => text };
}

/** SIGKILL the whole group (a PID-namespace init ignores SIGTERM) and wait for the leader to be reaped. */
export async function killGroup({ child }: Spawned, extraPids: number[] = []): Promise<void> {
  for (const pid of extraPids) tryKill(pid);
  if (child.pid === undefined) return;
  const exited =
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  tryKill(-child.pid);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
  clearTimeout(timer);
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

// ---- cgroups that runtimes create and leave behind ----

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Every controller's directory <mount>/<name> that exists now. */
export function cgroupDirsNamed(...names: string[]): Set<string> {
  const found = new Set<string>();
  for (const mount of readdirSync(CGROUP_ROOT)) {
    for (const name of names) {
      const dir = join(CGROUP_ROOT, mount, name);
      if (existsSync(dir)) found.add(dir);
    }
  }
  return found;
}

/** Removes the directories that appeared since `before` (rmdir only succeeds on an empty cgroup). */
export function removeNewCgroupDirs(before: Set<string>, ...names: string[]): void {
  for (const dir of cgroupDirsNamed(...names)) {
    if (before.has(dir)) continue;
    try {
      rmdirSync(dir);
    } catch {
      // still in use by someone: leave it
    }
  }
}

/**
 * Host PIDs in the cgroup whose figures tctop reports for a container (v1: the memory controller's directory)
 * that are not the container's: resources must be the container's own, not a supervisor's or a session's.
 */
export function foreignPidsInReportedCgroup(c: InspectJson): number[] {
  if (!c.cgroup) return [];
  const dir = c.cgroup.version === 2 ? join(CGROUP_ROOT, c.cgroup.path) : join(CGROUP_ROOT, 'memory', c.cgroup.path);
  const own = new Set(c.processes.map((p) => p.hostPid));
  return readFileSync(join(dir, 'cgroup.procs'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((p) => !own.has(p));
}

/** Every host PID whose PID namespace is this inode (the host's own view of a namespace's members). */
export function pidsInPidNamespace(inode: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (nsInode(Number(entry), 'pid') === inode) out.push(Number(entry));
    } catch {
      // exited, or a kernel thread we may not read
    }
  }
  return out.sort((a, b) => a - b);
}
