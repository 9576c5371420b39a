// A container's log as the dashboard's logs view shows it: found by its runtime's adapter (docker's json-file and
// local, the kubelet's CRI logs, conmon's k8s-file, tctop's own), the last lines read at open, then followed from where the
// reading stopped. Bounded: at most `maxLines` lines of at most MAX_LINE_CHARS are kept, whatever the log's size.
import { statSync } from 'node:fs';
import { cursorOf, logSourceOf } from './log-source.js';
import { hostPaths, underRoot } from '../host/paths.js';
import type { EntryCursor, LogEntry } from '../engine/containers/log-reader.js';
import type { Container } from '../snapshot/model.js';
import { cell } from '../text/sanitize.js';

export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** Escaped for a terminal (control characters shown as \e, \x..), cut to MAX_LINE_CHARS. */
  text: string;
  time: string;
}

export const DEFAULT_MAX_LINES = 5000;
const MAX_LINE_CHARS = 4096;
/** Where the first read starts from the end: enough for the lines kept at an average of 512 bytes a record. */
const BYTES_PER_LINE = 512;

export type LogOpen = { tail: LogTail } | { unreadable: string };

/** The log of `c` under `root`, or the one line saying why tctop cannot read it (journald, no file yet...). */
export function openLogTail(c: Container, root: string, maxLines = DEFAULT_MAX_LINES): LogOpen {
  const paths = hostPaths(root);
  const source = logSourceOf(c, paths, `${c.runtime} keeps no log of its containers' output that tctop can read`);
  if ('unreadable' in source) return source;
  const file = underRoot(paths, source.path);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return { unreadable: `no log file at ${cell(source.path, 200)}` };
  }
  // the current file only: a log rotated a moment ago shows what came since (`tctop logs` reads the rotated ones)
  return { tail: new LogTail(() => cursorOf(file, source.format), source.path, size, maxLines) };
}

export class LogTail {
  readonly lines: LogLine[] = [];
  private cursor: EntryCursor;
  /** A record that did not end its line yet, shown as the last line until its rest arrives. */
  private partial: LogEntry | undefined;
  /** The last line was cut at MAX_LINE_CHARS before its end: its rest is skipped. */
  private overlong = false;
  /** Lines dropped from the front to stay within maxLines, since open. */
  dropped = 0;

  constructor(
    open: () => EntryCursor,
    /** The log's host path, for the view's title. */
    readonly path: string,
    size: number,
    private readonly maxLines: number,
  ) {
    // from near the end; further back (4x each time) while that holds fewer lines than asked for (long lines)
    for (let span = maxLines * BYTES_PER_LINE; ; span *= 4) {
      this.cursor = open();
      this.lines.length = 0;
      this.partial = undefined;
      this.overlong = false;
      if (size - span > 0) this.cursor.skipTo(size - span);
      this.poll();
      if (this.lines.length >= maxLines || size - span <= 0) break;
    }
    this.dropped = 0; // what the first read left out is older output, not lines lost while following
  }

  /** Reads what was written since the last call; returns how many lines were added. */
  poll(): number {
    let added = 0;
    for (;;) {
      const batch = this.cursor.read();
      if (batch.length === 0) break;
      for (const e of batch) added += this.add(e);
    }
    const over = this.lines.length - this.maxLines;
    if (over > 0) {
      this.lines.splice(0, over);
      this.dropped += over;
    }
    return added;
  }

  /**
   * A record that does not end its line (CRI's P, docker's cut of a long line, output without a newline yet) is
   * shown at once, and replaced when its rest arrives.
   */
  private add(e: LogEntry): number {
    // the rest of a line already cut at MAX_LINE_CHARS: not shown, up to its end
    if (this.overlong) {
      this.overlong = !e.text.endsWith('\n');
      return 0;
    }
    const continues = this.partial !== undefined && this.lines.length > 0;
    if (continues) this.lines.pop();
    const joined = continues ? { ...e, text: this.partial!.text + e.text, time: this.partial!.time } : e;
    const ended = joined.text.endsWith('\n');
    this.overlong = !ended && joined.text.length > MAX_LINE_CHARS;
    this.partial = ended || this.overlong ? undefined : joined;
    this.lines.push({ stream: joined.stream, text: cell(joined.text.replace(/\r?\n$/, ''), MAX_LINE_CHARS), time: joined.time });
    return continues ? 0 : 1;
  }
}
