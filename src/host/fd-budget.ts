// How many descriptors a long-running scanner may keep open between scans (open-files.ts).
import { readFileSync } from 'node:fs';

/** Past this, a larger limit gains a scanner nothing: 2,000 containers' files read every scan fit in it. */
export const MAX_BUDGET = 32_768;

/**
 * Half of this process's descriptor limit, at most MAX_BUDGET: the other half stays free for sockets (the
 * exporter's clients, at most 512), watchers and one-off reads. A file read every scan that does not fit is opened,
 * read and closed every scan, 5-10 times the cost of a read through a kept descriptor (7-20 µs against 1-2.5 µs
 * for a cgroup v1 usage file here): at 1,000 containers a scan reads some 17 files per container, and a quarter of
 * the limit (at most 4,096, as before) left most of them to be opened again every scan. 256 when the limit cannot
 * be read.
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
  return Math.max(0, Math.min(MAX_BUDGET, Math.floor(soft / 2)));
}
