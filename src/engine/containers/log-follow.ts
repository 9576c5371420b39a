// Following a running container's log (logs -f, foreground run): print what is there, then what arrives, until the
// shim's exit record says the output is complete (the shim writes it after both pipes hit EOF).
import { waitForExit } from './exit-wait.js';
import { LogCursor, tailEntries, type LogEntry } from './log-reader.js';
import { writeEntries } from './log-output.js';
import { bundlePath } from './paths.js';
import { readRawState, type ContainerState, type ExitRecord } from './state.js';

export interface FollowOptions {
  /** Only the last n entries of what is already there. */
  tail?: number;
  signal?: AbortSignal;
  write?: (entries: LogEntry[]) => Promise<void>;
}

/** Resolves with the exit record (null if aborted or the container was not running); throws if the shim died.
 * A running container that has exited already resolves at once (waitForExit finds exit.json). */
export async function followLog(root: string, state: ContainerState, opts: FollowOptions = {}): Promise<ExitRecord | null> {
  const write = opts.write ?? ((e: LogEntry[]) => writeEntries(e));
  const cursor = new LogCursor(bundlePath(root, state.id, 'log'));
  const writeAll = async () => {
    for (const batch of cursor.batches()) await write(batch);
  };
  if (opts.tail === undefined) await writeAll();
  else await write(tailEntries(cursor, opts.tail));
  const current = readRawState(root, state.id) ?? state;
  if (current.status !== 'running') {
    await writeAll();
    return null;
  }
  // every change in the state dir (each log write) asks for a drain; one pending drain covers them all
  let pump = Promise.resolve();
  let queued = false;
  const drain = () => {
    if (queued) return;
    queued = true;
    pump = pump.then(() => {
      queued = false;
      return writeAll();
    });
  };
  try {
    return await waitForExit(root, current, { onChange: drain, signal: opts.signal });
  } finally {
    drain();
    await pump;
  }
}
