// Moving a process into a cgroup (the shim's join of the container's init) first waits for an RCU grace period:
// the writer side of the kernel's cgroup_threadgroup_rwsem (rcu_sync). That wait is 5-25 ms on this kind of host,
// most of a container's start, and docker's runc pays it too. The kernel skips it while another migration has just
// happened (for a grace period or two after it), so while the CLI prepares and starts a container it moves itself
// into the cgroup it is already in, every few ms: a move that changes nothing but takes the same lock. The shim's
// join then finds the lock warm. The writes run on libuv's thread pool, so the first one's wait costs the CLI
// nothing. Best effort: on any failure the shim just waits as before.
import { close, constants, open, readFileSync, write } from 'node:fs';
import { join } from 'node:path';
import { cgroupPathFor, parseProcCgroup } from '../../host/procfs/cgroup.js';
import { cgroupVersion, DEFAULT_CGROUP_ROOT } from './cgroups.js';
import { v1Mounts } from './cgroups-v1.js';

/** Well inside the ~15 ms a finished migration keeps the lock warm for (measured here: 15 ms yes, 30 ms no). */
const INTERVAL_MS = 4;

/** The cgroup.procs file of this process's own cgroup: v2, or the first mounted v1 hierarchy. */
export function ownCgroupProcsFile(cgroupRoot = DEFAULT_CGROUP_ROOT, selfCgroup?: string): string | null {
  let text = selfCgroup;
  try {
    text ??= readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return null;
  }
  const memberships = parseProcCgroup(text);
  if (cgroupVersion(cgroupRoot) === 2) {
    const path = cgroupPathFor(memberships);
    return path === undefined ? null : join(cgroupRoot, path, 'cgroup.procs');
  }
  const mounts = v1Mounts(cgroupRoot);
  for (const m of memberships) {
    for (const controller of m.controllers) {
      const mount = mounts.get(controller as Parameters<typeof mounts.get>[0]);
      if (mount) return join(mount, m.path, 'cgroup.procs');
    }
  }
  return null;
}

let until = 0;
let running = false;
let timer: NodeJS.Timeout | undefined;
let fd: number | undefined;

function stopLoop(): void {
  running = false;
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (fd !== undefined) close(fd, () => {});
  fd = undefined;
}

function tick(pid: Buffer): void {
  timer = undefined;
  if (Date.now() >= until || fd === undefined) {
    stopLoop();
    return;
  }
  write(fd, pid, (err) => {
    if (err || Date.now() >= until) return stopLoop();
    timer = setTimeout(() => tick(pid), INTERVAL_MS);
    timer.unref(); // never what keeps the CLI alive
  });
}

/**
 * Keeps cgroup migrations fast for up to `forMs`, or until endCgroupMigrationWarmup. Start it once the container's
 * cgroup exists, not before: each of these moves holds the kernel's cgroup_mutex through its wait, so a mkdir of a
 * cgroup would wait for it.
 */
export function warmCgroupMigrations(forMs = 1000, cgroupRoot = DEFAULT_CGROUP_ROOT): void {
  until = Math.max(until, Date.now() + forMs);
  if (running) return;
  const file = ownCgroupProcsFile(cgroupRoot);
  if (!file) return;
  running = true;
  const pid = Buffer.from(String(process.pid));
  open(file, constants.O_WRONLY, (err, opened) => {
    if (err) return stopLoop();
    fd = opened;
    tick(pid);
  });
}

/** The migration it was for has happened (the shim reported the container started, or failed). */
export function endCgroupMigrationWarmup(): void {
  until = 0;
  if (timer) stopLoop(); // a write in flight stops the loop when it returns
}
