// How many descriptors a long-running scanner may keep open between scans (open-files.ts).
import { readFileSync } from 'node:fs';

/**
 * A quarter of this process's descriptor limit, at most 4096: the rest stays free for sockets (the exporter's
 * clients), watchers and one-off reads. 256 when the limit cannot be read.
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
  if (Number.isNaN(soft)) return /^Max open files\s+unlimited/m.test(text) ? 4096 : 256;
  return Math.max(0, Math.min(4096, Math.floor(soft / 4)));
}
