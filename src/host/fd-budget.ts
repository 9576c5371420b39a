// How many descriptors a long-running scanner may keep open between scans (open-files.ts).
import { readFileSync } from 'node:fs';

/** Past this, a larger limit gains a scanner little: some 1,600 containers' files read every scan fit in it. */
export const MAX_BUDGET = 32_768;

/** Descriptors always left free: sockets (the exporter serves at most 512 connections), watchers, one-off reads. */
const RESERVE = 1024;

/**
 * The descriptor limit less an eighth of it (at least RESERVE), and never less than half of it; at most MAX_BUDGET.
 * A file read every scan that does not fit is opened, read and closed every scan, 5-10 times the cost of a read
 * through a kept descriptor (7-20 µs against 1-2.5 µs for a cgroup v1 usage file here), and at 1,000 containers
 * on cgroup v1 a scan reads 20 files per container: 15 cgroup files, three stat files (two members and the shim)
 * and net/dev. With a quarter of the limit (at most 4,096, as before) most of them were opened again every scan.
 * Each kept kernfs or procfs file also holds a page of kernel memory for its text. 256 when the limit cannot be read.
 */
export function defaultMaxOpen(limitsText?: string): number {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return 256;
    }
  }
  const soft = Number(/^Max open files\s+(\S+)/m.exec(text)?.[1]);
  if (Number.isNaN(soft)) return /^Max open files\s+unlimited/m.test(text) ? MAX_BUDGET : 256;
  const budget = Math.max(Math.floor(soft / 2), soft - Math.max(RESERVE, Math.floor(soft / 8)));
  return Math.max(0, Math.min(MAX_BUDGET, budget));
}
