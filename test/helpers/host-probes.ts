// What the real host shows a test about itself: its open descriptors, and where a cgroup /tctop/<id> lives.
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export const CGROUP_ROOT = '/sys/fs/cgroup';

/** Paths this process has open right now. */
export function openPaths(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      out.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // the descriptor readdir itself used is gone already
    }
  }
  return out;
}

/** The directories a process must join to sit in cgroup /tctop/<id> on this host (v1: each controller; v2: one). */
export function tctopCgroupDirs(id: string): string[] {
  if (existsSync(join(CGROUP_ROOT, 'cgroup.controllers'))) return [join(CGROUP_ROOT, 'tctop', id)];
  return ['pids', 'memory', 'cpu', 'cpuacct'].filter((c) => existsSync(join(CGROUP_ROOT, c))).map((c) => join(CGROUP_ROOT, c, 'tctop', id));
}
