// cgroup.procs: the member PIDs of a cgroup (as seen from our PID namespace). Read every refresh for each container
// cgroup, so a scanner may keep it open (on cgroup2 only: see open-files.ts).
import { join } from 'node:path';
import { readHotText } from '../open-files.js';

export function readCgroupProcs(dir: string): number[] | null {
  const t = readHotText(join(dir, 'cgroup.procs'));
  if (t === null) return null;
  const out: number[] = [];
  for (const line of t.split('\n')) if (line) out.push(Number(line));
  return out;
}
