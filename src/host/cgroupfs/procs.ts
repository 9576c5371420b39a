// cgroup.procs: the member PIDs of a cgroup (as seen from our PID namespace).
import { join } from 'node:path';
import { readText } from '../read.js';

export function readCgroupProcs(dir: string): number[] | null {
  const t = readText(join(dir, 'cgroup.procs'));
  if (t === null) return null;
  const out: number[] = [];
  for (const line of t.split('\n')) if (line) out.push(Number(line));
  return out;
}
