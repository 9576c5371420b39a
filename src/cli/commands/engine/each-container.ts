// Verbs taking several containers (stop, kill, rm, start, restart, wait) go on after one fails, as docker does:
// each failure is reported on its own line and the exit status says something failed.
import { reportError } from '../../boundary.js';

export async function eachContainer(refs: string[], fn: (ref: string) => Promise<void>): Promise<void> {
  let failed = 0;
  for (const ref of refs) {
    try {
      await fn(ref);
    } catch (err) {
      failed = reportError(err) || 1;
    }
  }
  if (failed) process.exitCode = failed;
}

export function print(line: string): void {
  process.stdout.write(line + '\n');
}
