// container.log: docker json-file lines {"log":"text\n","stream":"stdout"|"stderr","time":"..."} written by the shim.
// Read whole (logs, --tail) or incrementally from an offset (follow, foreground run); a partial last line waits.
import { readAppended } from '../../host/appended-bytes.js';

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  text: string;
  time: string;
}

export function parseLogLine(line: string): LogEntry | null {
  try {
    const v = JSON.parse(line) as { log?: unknown; stream?: unknown; time?: unknown };
    if (typeof v.log !== 'string') return null;
    return { stream: v.stream === 'stderr' ? 'stderr' : 'stdout', text: v.log, time: typeof v.time === 'string' ? v.time : '' };
  } catch {
    return null; // a torn or foreign line is skipped, not fatal
  }
}

/**
 * The CRI log format (kubelet, conmon's k8s-file): `<RFC 3339 nano time> <stdout|stderr> <F|P> <text>`; P is a
 * partial line whose rest follows in the next record, F the end of one.
 */
export function parseCriLine(line: string): LogEntry | null {
  const m = /^(\S+) (stdout|stderr) ([FP])(?:[:\w]*)? (.*)$/s.exec(line);
  if (!m) return null;
  return { stream: m[2] as LogEntry['stream'], text: m[3] === 'F' ? `${m[4]}\n` : m[4], time: m[1] };
}

/** A batch of at most this many bytes per read: a huge log is printed in pieces, never held whole. */
const BATCH_BYTES = 4 << 20;

/** Reads the log from a byte offset: the complete lines since then, and where the next read starts. */
export class LogCursor {
  private offset = 0;
  private pending = Buffer.alloc(0);
  /** After skipTo: the bytes up to the first newline are the rest of a line cut in two, not an entry. */
  private midLine = false;

  constructor(
    private readonly path: string,
    private readonly parse: (line: string) => LogEntry | null = parseLogLine,
  ) {}

  /** Start reading at `offset` (a tail of a big log without reading it all), from the next whole line on. */
  skipTo(offset: number): void {
    this.offset = Math.max(0, offset);
    this.pending = Buffer.alloc(0);
    this.midLine = this.offset > 0;
  }

  /** The entries completed since the last call, up to about `maxBytes` of log (nothing if there is no file yet). */
  read(maxBytes = BATCH_BYTES): LogEntry[] {
    const chunks: Buffer[] = [this.pending];
    const offset = readAppended(this.path, {
      from: this.offset,
      maxBytes,
      chunkBytes: 1 << 16,
      onRestart: () => {
        this.midLine = false; // truncated: start over
        chunks.length = 0;
      },
      onChunk: (chunk) => {
        chunks.push(Buffer.from(chunk));
        return true;
      },
    });
    if (offset === undefined) return [];
    this.offset = offset;
    let all = Buffer.concat(chunks);
    if (this.midLine) {
      const first = all.indexOf(0x0a);
      if (first < 0) {
        this.pending = Buffer.alloc(0);
        return [];
      }
      all = all.subarray(first + 1);
      this.midLine = false;
    }
    const end = all.lastIndexOf(0x0a);
    this.pending = end < 0 ? all : all.subarray(end + 1);
    if (end < 0) return [];
    return all
      .subarray(0, end)
      .toString('utf8')
      .split('\n')
      .flatMap((l) => {
        const e = this.parse(l);
        return e ? [e] : [];
      });
  }

  /** Every entry up to the end of the file, batch by batch. */
  *batches(): Generator<LogEntry[]> {
    for (;;) {
      const batch = this.read();
      if (batch.length === 0) return;
      yield batch;
    }
  }
}

/** What reads a log file from an offset, whatever its format (json-file and CRI lines here, docker's local records). */
export interface EntryCursor {
  skipTo(offset: number): void;
  read(maxBytes?: number): LogEntry[];
  batches(): Generator<LogEntry[]>;
}

/** The last n entries, keeping no more than n in memory whatever the log's size. */
export function tailEntries(cursor: EntryCursor, n: number): LogEntry[] {
  let kept: LogEntry[] = [];
  for (const batch of cursor.batches()) kept = n <= 0 ? [] : [...kept, ...batch].slice(-n);
  return kept;
}
