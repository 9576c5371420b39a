// Real containers for the engine's integration tests: each test gets its own TCTOP_ROOT (mkdtemp) holding an image
// imported from a busybox-static rootfs tar built here from /bin/busybox (no docker needed), a CLI runner, and
// counters of what a container leaves on the host (processes, cgroup dirs, mounts, state dirs).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { NAME_LINKS_DIR } from '../../src/engine-contract/state-dir.js';
import { isRoot, missing, sh } from '../helpers/prereq.js';

export const IMAGE = 'bb:latest';
const CGROUP_ROOT = '/sys/fs/cgroup';

let tarball: string | undefined;

/** A rootfs tar: busybox-static with every applet, /etc/passwd and /etc/group with a non-root user. */
export function busyboxTarball(): string {
  if (tarball && existsSync(tarball)) return tarball;
  const work = mkdtempSync(join(tmpdir(), 'tctop-bbtar-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  const rootfs = join(work, 'rootfs');
  for (const d of ['bin', 'etc', 'tmp', 'home/app']) mkdirSync(join(rootfs, d), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  const applets = sh('/bin/busybox', ['--list'])
    .split('\n')
    .filter((a) => a && a !== 'busybox');
  for (const a of applets) symlinkSync('busybox', join(rootfs, 'bin', a));
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\napp:x:1000:\nstaff:x:50:app\n');
  tarball = join(work, 'rootfs.tar');
  sh('tar', ['-C', rootfs, '--owner=0', '--group=0', '-cf', tarball, '.']);
  return tarball;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class Engine {
  readonly env: NodeJS.ProcessEnv;
  /** Every container ID this test created, for the leak counters and the cleanup. */
  readonly ids = new Set<string>();

  /** Each root its own bridge (and nft table of that name), removed by cleanup: tests leave no network behind. */
  readonly bridge = `tct${Math.random().toString(16).slice(2, 10)}`;

  constructor(readonly root: string) {
    this.env = { ...process.env, TCTOP_ROOT: root, TCTOP_NETWORK_BRIDGE: this.bridge };
  }

  tctop(args: string[], opts: { timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
    const r = spawnSync(process.execPath, ['bin/tctop', ...args], {
      encoding: 'utf8',
      env: opts.env ? { ...this.env, ...opts.env } : this.env,
      input: opts.input,
      timeout: opts.timeoutMs ?? 60_000,
      maxBuffer: 64 << 20,
    });
    this.noteIds();
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs and insists on success; returns stdout. */
  ok(args: string[], opts: { timeoutMs?: number } = {}): string {
    const r = this.tctop(args, opts);
    if (r.status !== 0) throw new Error(`tctop ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  }

  spawn(args: string[]): ChildProcess {
    return spawn(process.execPath, ['bin/tctop', ...args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** `run -d`: the full ID. */
  runDetached(args: string[]): string {
    const id = this.ok(['run', '-d', ...args]).trim();
    this.ids.add(id);
    return id;
  }

  inspect(ref: string): Record<string, any> {
    return JSON.parse(this.ok(['inspect', '--json', ref]))[0];
  }

  ps(all = false): Array<Record<string, any>> {
    return JSON.parse(this.ok(['ps', '--json', '--runtime', 'tctop', ...(all ? ['-a'] : [])]));
  }

  state(id: string): Record<string, any> | null {
    try {
      return JSON.parse(readFileSync(join(this.root, 'containers', id, 'state.json'), 'utf8'));
    } catch {
      return null;
    }
  }

  noteIds(): void {
    for (const id of this.stateDirs()) this.ids.add(id);
  }

  stateDirs(): string[] {
    try {
      return readdirSync(join(this.root, 'containers')).filter((n) => /^[0-9a-f]{64}$/.test(n));
    } catch {
      return [];
    }
  }

  /** Everything a container of this root can leave on the host. */
  leftovers(): {
    processes: number[];
    cgroupDirs: string[];
    mounts: number;
    netnsMounts: number;
    stateDirs: string[];
    nameLinks: string[];
  } {
    this.noteIds();
    const cgroupDirs: string[] = [];
    const processes = new Set<number>();
    for (const ctl of ['', ...readdirSync(CGROUP_ROOT)]) {
      for (const id of this.ids) {
        const dir = join(CGROUP_ROOT, ctl, 'tctop', id); // v1: <controller>/tctop/<id>; v2 ('' ): tctop/<id>
        if (!existsSync(dir)) continue;
        cgroupDirs.push(dir);
        try {
          for (const p of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (p) processes.add(Number(p));
        } catch {
          /* not a cgroup dir */
        }
      }
    }
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.root)) processes.add(Number(pid));
      } catch {
        /* vanished */
      }
    }
    processes.delete(process.pid);
    const mountLines = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => l.includes(this.root));
    // a bridged container's namespace file is a host mount by design (as `ip netns add` makes); anything else is not
    const netnsMounts = mountLines.filter((l) => l.includes(join(this.root, 'netns') + '/')).length;
    return {
      processes: [...processes],
      cgroupDirs,
      mounts: mountLines.length - netnsMounts,
      netnsMounts,
      stateDirs: this.stateDirs(),
      nameLinks: this.nameLinks(),
    };
  }

  /** The engine's name entries (engine-contract/state-dir.ts: `<id>.<name>`) of this root's containers. */
  nameLinks(): string[] {
    let entries: string[];
    try {
      entries = readdirSync(join('/', NAME_LINKS_DIR));
    } catch {
      return [];
    }
    return entries.filter((e) => [...this.ids].some((id) => e.startsWith(`${id}.`))).sort();
  }

  /** Waits until nothing of this root is left on the host (the shim exits just after writing exit.json). */
  async settled(timeoutMs = 5000): Promise<ReturnType<Engine['leftovers']>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const l = this.leftovers();
      if (
        (l.processes.length === 0 &&
          l.cgroupDirs.length === 0 &&
          l.mounts === 0 &&
          l.netnsMounts === 0 &&
          l.stateDirs.length === 0 &&
          l.nameLinks.length === 0) ||
        Date.now() > until
      )
        return l;
      await sleep(100);
    }
  }

  cleanup(): void {
    this.noteIds();
    const ids = this.stateDirs();
    if (ids.length) spawnSync(process.execPath, ['bin/tctop', 'rm', '-f', ...ids], { env: this.env, stdio: 'ignore', timeout: 60_000 });
    // whatever the CLI could not remove (a test that broke a container on purpose): kill and rmdir by hand
    for (const id of this.ids) {
      for (const ctl of ['', ...readdirSync(CGROUP_ROOT)]) {
        const dir = join(CGROUP_ROOT, ctl, 'tctop', id);
        if (!existsSync(dir)) continue;
        try {
          for (const p of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (p) process.kill(Number(p), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    for (const id of this.ids) {
      for (const ctl of [...readdirSync(CGROUP_ROOT), '']) {
        const dir = join(CGROUP_ROOT, ctl, 'tctop', id);
        for (let i = 0; i < 20 && existsSync(dir); i++) {
          try {
            rmdirSync(dir);
          } catch {
            spawnSync('sleep', ['0.05']);
          }
        }
      }
    }
    for (const entry of this.nameLinks()) rmSync(join('/', NAME_LINKS_DIR, entry), { force: true });
    removeNetwork(this.root, this.bridge);
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The bridge, its nft table and any namespace file a broken test left mounted under the root. */
export function removeNetwork(root: string, bridge: string): void {
  const netnsDir = join(root, 'netns');
  if (existsSync(netnsDir)) for (const f of readdirSync(netnsDir)) spawnSync('umount', [join(netnsDir, f)], { stdio: 'ignore' });
  if (existsSync(`/sys/class/net/${bridge}`)) spawnSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
  spawnSync('nft', ['delete', 'table', 'ip', bridge], { stdio: 'ignore' });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function engineMissing(t: TestContext): boolean {
  return (
    missing(t, isRoot(), 'root') ||
    missing(t, existsSync('/bin/busybox'), 'busybox-static (/bin/busybox)') ||
    missing(t, existsSync('native/build/tctop-shim'), 'the native shim (npm run build)')
  );
}

/** A fresh root with the busybox image imported as bb:latest; removed (containers first) after the test. */
export function newEngine(t: TestContext): Engine {
  const e = new Engine(mkdtempSync(join(tmpdir(), 'tctop-engine-')));
  t.after(() => e.cleanup());
  e.ok(['import', busyboxTarball(), IMAGE]);
  return e;
}

/** Polls until fn returns a truthy value; throws with `what` on timeout. */
export async function until<T>(fn: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Collects a child's output and resolves with its exit status. */
export function finished(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}
