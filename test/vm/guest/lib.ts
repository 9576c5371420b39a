// Shared by the guest suite's checks: tctop as a user runs it (bin/tctop from the shared checkout), the setup
// steps test/vm/guest/boot.sh recorded, the kernel's own cgroup v2 and /proc files, the runtimes' own tools.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { InspectJson, PsRowJson } from '../../helpers/runtimes.js';

export const OUT = process.env.TCTOP_VM_OUT ?? '/out';
export const CGROUP_ROOT = '/sys/fs/cgroup';
/** The containers boot.sh started, one per runtime. */
export const NAMES = {
  docker: 'vm-docker',
  podman: 'vm-podman',
  containerd: 'vm-ctr',
  nspawn: 'vm-nspawn',
  lxc: 'vm-lxc',
  tctop: 'vm-own',
  /** podman run by the unprivileged user ROOTLESS_USER (its own storage, user namespace and user@.service). */
  podmanRootless: 'vm-podman-user',
} as const;

/** The user boot.sh runs rootless podman as (made in the image by test/vm/build-image.sh, lingering). */
export const ROOTLESS_USER = { name: 'tctopu', uid: 1000, home: '/home/tctopu' } as const;

/** A command as ROOTLESS_USER, with the environment a login session gives podman (its runtime dir and user bus). */
export function asRootless(cmd: string, args: string[]): [string, string[]] {
  const { name, uid, home } = ROOTLESS_USER;
  const env = [`HOME=${home}`, `XDG_RUNTIME_DIR=/run/user/${uid}`, `DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/${uid}/bus`];
  return ['runuser', ['-u', name, '--', 'env', '-C', home, ...env, cmd, ...args]];
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Run {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: opts.env ?? process.env,
    input: opts.input,
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** Runs a command and insists on exit 0; returns stdout. */
export function ok(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): string {
  const r = run(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

export function tctop(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return ok(process.execPath, ['bin/tctop', ...args], { env });
}

/** Fails the check when the boot.sh step it depends on failed (its output is the reason). */
export function setupOk(step: string): void {
  const lines = readFileSync(`${OUT}/setup.txt`, 'utf8').split('\n');
  const line = lines.find((l) => l === `ok ${step}` || l.startsWith(`FAIL ${step}:`));
  assert.ok(line, `setup step ${step} did not run`);
  assert.equal(line, `ok ${step}`, `setup step failed: ${line}`);
}

export const readText = (path: string) => readFileSync(path, 'utf8');
export const cgText = (path: string, file: string) => readText(`${CGROUP_ROOT}${path}/${file}`);

/** A flat-keyed cgroup file ("key value" lines) as a map. */
export function flatKeyed(text: string): Map<string, number> {
  return new Map(
    text
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([k, v]) => [k, Number(v)] as [string, number]),
  );
}

/** The process's own PID in its innermost PID namespace (last NSpid field): the kernel's host <-> container map. */
export function containerPidOf(hostPid: number): number {
  const m = /^NSpid:\s+(.*)$/m.exec(readText(`/proc/${hostPid}/status`));
  assert.ok(m, `NSpid of ${hostPid}`);
  return Number(m[1].trim().split(/\s+/).pop());
}

export function unifiedCgroupOf(pid: number): string {
  const m = /^0::(.*)$/m.exec(readText(`/proc/${pid}/cgroup`));
  assert.ok(m, `v2 cgroup of ${pid}`);
  return m[1];
}

export function cgroupProcs(path: string): number[] {
  return cgText(path, 'cgroup.procs')
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The processes of a cgroup and of every cgroup below it. */
export function cgroupProcsBelow(path: string): number[] {
  const below = readdirSync(`${CGROUP_ROOT}${path}`, { withFileTypes: true }).filter((d) => d.isDirectory());
  return [...cgroupProcs(path), ...below.flatMap((d) => cgroupProcsBelow(`${path}/${d.name}`))].sort((a, b) => a - b);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until fn returns a truthy value (bounded); `what` names it on timeout. */
export async function until<T>(what: string, fn: () => T | undefined | null | false, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

let views: { ps: PsRowJson[]; inspect: Map<string, InspectJson> } | undefined;

/** One `tctop ps --json -a` and one `tctop inspect --json` of every container (a node start costs seconds here). */
export function tctopViews(): { ps: PsRowJson[]; inspect: Map<string, InspectJson> } {
  if (views) return views;
  const ps = JSON.parse(tctop(['ps', '--json', '-a'])) as PsRowJson[];
  const names = Object.values(NAMES).filter((n) => ps.some((r) => r.name === n));
  const inspected = names.length ? (JSON.parse(tctop(['inspect', '--json', ...names])) as InspectJson[]) : [];
  views = { ps, inspect: new Map(inspected.map((c) => [c.name, c])) };
  // kept in the guest's output (TCTOP_VM_KEEP) to see what tctop made of the real host
  writeFileSync(`${OUT}/tctop-views.json`, JSON.stringify({ ps, inspect: inspected }, null, 1));
  return views;
}
