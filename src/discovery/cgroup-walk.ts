// Find container cgroups by walking one hierarchy: far cheaper than reading /proc/<pid>/cgroup for every process.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isVanished } from '../errors.js';
import { readCgroupProcs } from '../host/cgroupfs/procs.js';
import { matchContainerCgroup } from './patterns.js';
import type { CgroupHint } from './types.js';

export interface ContainerCgroup {
  path: string;
  hint: CgroupHint;
  /** PIDs in the cgroup and every cgroup below it (LXC and nspawn payloads nest their own cgroups). */
  pids: number[];
  /** The cgroup has child cgroups, so members are collected from the whole subtree (leaves need one read). */
  nested: boolean;
}

const MAX_DEPTH = 10;

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    if (isVanished(err)) return [];
    throw err;
  }
}

/**
 * Whether a cgroup has child cgroups. A directory's link count is 2 + its subdirectories on cgroupfs (kernfs), as on
 * tmpfs and ext4, so one stat answers (a readdir of a cgroup lists dozens of files); where the count says nothing
 * (btrfs keeps 1), a readdir does.
 */
function hasSubdirs(dir: string): boolean {
  let links: number;
  try {
    links = statSync(dir).nlink;
  } catch (err) {
    if (isVanished(err)) return false;
    throw err;
  }
  return links >= 2 ? links > 2 : subdirs(dir).length > 0;
}

/** PIDs of a cgroup and its descendants. */
export function collectPids(dir: string, into: number[], nested = true, depth = 0): void {
  const procs = readCgroupProcs(dir);
  if (procs) into.push(...procs);
  if (!nested || depth >= MAX_DEPTH) return;
  for (const d of subdirs(dir)) collectPids(join(dir, d), into, true, depth + 1);
}

export function findContainerCgroups(hierarchyDir: string): ContainerCgroup[] {
  const found: ContainerCgroup[] = [];
  const walk = (rel: string, depth: number) => {
    for (const d of subdirs(join(hierarchyDir, rel))) {
      const path = `${rel}/${d}`;
      const hint = matchContainerCgroup(path);
      if (hint) {
        const pids: number[] = [];
        const dir = join(hierarchyDir, path);
        const nested = hasSubdirs(dir);
        collectPids(dir, pids, nested, depth + 1);
        found.push({ path, hint, pids, nested });
      } else if (depth < MAX_DEPTH && !d.startsWith('lxc.monitor.')) {
        walk(path, depth + 1);
      }
    }
  };
  walk('', 0);
  return found;
}

/** The container cgroup a process's cgroup path lies in (the path itself or an ancestor), if any. */
export function containerCgroupOf(path: string): { path: string; hint: CgroupHint } | undefined {
  for (let p = path; p.length > 1; p = p.slice(0, p.lastIndexOf('/')) || '/') {
    const hint = matchContainerCgroup(p);
    if (hint) return { path: p, hint };
  }
  return undefined;
}
