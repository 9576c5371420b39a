// Log entries to the CLI's own stdout/stderr, waiting for a slow reader instead of buffering without bound. A reader
// that went away (`tctop logs x | head`) is not an error: that stream is dropped, the rest goes on (a foreground run
// still waits for its container to exit and reports its code).
import { LogCursor, tailEntries, type LogEntry } from './log-reader.js';

const broken = new WeakSet<NodeJS.WritableStream>();
const guarded = new WeakSet<NodeJS.WritableStream>();

function guard(stream: NodeJS.WritableStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', () => broken.add(stream)); // EPIPE and the like: the reader is gone
}

function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('error', done);
    stream.once('close', done);
  });
}

export async function writeEntries(
  entries: LogEntry[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<void> {
  guard(out);
  guard(err);
  for (const e of entries) {
    const stream = e.stream === 'stderr' ? err : out;
    if (broken.has(stream)) continue;
    if (!stream.write(e.text)) await drained(stream);
  }
}

/** `tctop logs` without -f: the whole log batch by batch (or its last n entries). */
export async function printLog(path: string, tail?: number): Promise<void> {
  const cursor = new LogCursor(path);
  if (tail !== undefined) return writeEntries(tailEntries(cursor, tail));
  for (const batch of cursor.batches()) await writeEntries(batch);
}
