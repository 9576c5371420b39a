// cgroup.procs: the member PIDs of a cgroup (as seen from our PID namespace), of one cgroup or of its whole subtree.
// Read every refresh for each container cgroup, so a scanner may keep it open (on cgroup2 only: see open-files.ts).
import { readdirSync, statSync } from 'node:fs';
import type { HostReader } from '../reader.js';

export function readCgroupProcs(r: HostReader, dir: string): number[] | null {
  const t = r.hotText(`${dir}/cgroup.procs`);
  if (t === null) return null;
  const out: number[] = [];
  for (const line of t.split('\n')) if (line) out.push(Number(line));
  return out;
}

/** Deeper than any runtime nests its cgroups: a bound on a hostile or looping tree. */
export const MAX_CGROUP_DEPTH = 10;

/** The child cgroups of a cgroup ([] when it is gone). */
export function cgroupSubdirs(r: HostReader, dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch (err) {
    if (r.caught(err, dir)) return [];
    throw err;
  }
}

/**
 * Whether a cgroup has child cgroups. A directory's link count is 2 + its subdirectories on cgroupfs (kernfs), as on
 * tmpfs and ext4, so one stat answers (a readdir of a cgroup lists dozens of files); where the count says nothing
 * (btrfs keeps 1), a readdir does.
 */
export function hasChildCgroups(r: HostReader, dir: string): boolean {
  let links: number;
  try {
    links = statSync(dir).nlink;
  } catch (err) {
    if (r.caught(err, dir)) return false;
    throw err;
  }
  return links >= 2 ? links > 2 : cgroupSubdirs(r, dir).length > 0;
}

/** PIDs of a cgroup and (`nested`) its descendants. */
export function collectPids(r: HostReader, dir: string, into: number[], nested = true, depth = 0): void {
  const procs = readCgroupProcs(r, dir);
  if (procs) into.push(...procs);
  if (!nested || depth >= MAX_CGROUP_DEPTH) return;
  for (const d of cgroupSubdirs(r, dir)) collectPids(r, `${dir}/${d}`, into, true, depth + 1);
}
