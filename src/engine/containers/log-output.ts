// Log entries to the CLI's own stdout/stderr, waiting for a slow reader instead of buffering without bound.
import type { LogEntry } from './log-reader.js';

export async function writeEntries(entries: LogEntry[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<void> {
  for (const e of entries) {
    const stream = e.stream === 'stderr' ? err : out;
    if (!stream.write(e.text)) await new Promise((r) => stream.once('drain', r));
  }
}
