// Reading a file that a writer appends to (a container's log), from where the last read stopped: one open per read,
// so a rotated file is followed by name; a file now shorter than the offset was truncated or replaced and is read
// again from its start.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface AppendedRead {
  /** The offset the read starts at; a file shorter than it was truncated or rotated. */
  from: number;
  /** Stop once about this many bytes were read (a huge log is read in batches, never held whole). */
  maxBytes: number;
  /** The size of each read; the chunk passed on is only valid until the callback returns. */
  chunkBytes: number;
  /** Called when the file is shorter than `from`: the read restarts at 0 and the reader forgets partial state. */
  onRestart(): void;
  /** Each chunk read, in order; return false to stop reading. */
  onChunk(chunk: Buffer): boolean | undefined;
}

/** Reads what was appended since `from`: the offset after the last chunk read, or undefined when there is no file. */
export function readAppended(path: string, r: AppendedRead): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  let offset = r.from;
  try {
    if (fstatSync(fd).size < offset) {
      offset = 0;
      r.onRestart();
    }
    const buf = Buffer.allocUnsafe(r.chunkBytes);
    for (let got = 0; got < r.maxBytes; ) {
      const n = readSync(fd, buf, 0, buf.length, offset);
      if (n <= 0) break;
      offset += n;
      got += n;
      if (r.onChunk(buf.subarray(0, n)) === false) break;
    }
  } finally {
    closeSync(fd);
  }
  return offset;
}
