// `tctop logs` for a container of another runtime: its log file, found by the runtime's adapter (docker's json-file
// and local, the kubelet's CRI logs, conmon's k8s-file), printed as docker logs prints it; a runtime that keeps no file says so.
import { join } from 'node:path';
import { NotFoundError, UnsupportedError } from '../../../errors.js';
import { hostPaths, underRoot } from '../../../host/paths.js';
import { logSourceOf } from '../../../report/log-source.js';
import type { LogEntry } from '../../../engine/containers/log-reader.js';
import type { Container } from '../../../snapshot/model.js';
import { cell } from '../../../text/sanitize.js';

export interface LogOptions {
  follow: boolean;
  tail?: number;
  /** Seconds since the epoch: entries older are left out. */
  since?: number;
  timestamps: boolean;
  root: string;
}

const FOLLOW_POLL_MS = 250;

/**
 * A log record's time as docker logs -t prints it: nine fraction digits always. json-file keeps Go's RFC3339Nano,
 * which drops trailing zeros (.91553339Z for .915533390Z).
 */
export function dockerLogTime(time: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}${m[3]}` : time;
}

/** The entry as printed: with -t, docker's RFC 3339 time first. */
function shown(e: LogEntry, timestamps: boolean): LogEntry {
  return timestamps ? { ...e, text: `${dockerLogTime(e.time)} ${e.text}` } : e;
}

export async function printOtherLogs(c: Container, opts: LogOptions): Promise<void> {
  const paths = hostPaths(opts.root);
  const source = logSourceOf(c, paths, `no runtime claimed ${cell(c.name, 80)}: it keeps no log`);
  if ('unreadable' in source) throw new UnsupportedError(source.unreadable);
  const { cursorOf } = await import('../../../report/log-source.js');
  const { writeEntries } = await import('../../../engine/containers/log-output.js');
  const file = underRoot(paths, source.path);
  const { existsSync } = await import('node:fs');
  if (!existsSync(file)) throw new NotFoundError(`no log file at ${cell(source.path, 200)}`);
  const cursor = cursorOf(file, source.format);
  const rotated = source.format === 'docker-local' ? (source.rotated ?? []) : [];
  const keep = (entries: LogEntry[]) =>
    entries.filter((e) => opts.since === undefined || Date.parse(e.time) / 1000 >= opts.since).map((e) => shown(e, opts.timestamps));
  // the rotated files first, oldest first, as docker logs reads them; then the current one, in batches
  async function* batches(): AsyncGenerator<LogEntry[]> {
    if (rotated.length) {
      const { rotatedRecords } = await import('../../../discovery/adapters/docker-local-log.js');
      for (const f of rotated) yield* rotatedRecords(underRoot(paths, f));
    }
    yield* cursor.batches();
  }
  // --tail keeps no more than its n entries in memory whatever the log's size
  let kept: LogEntry[] = [];
  for await (const batch of batches()) {
    if (opts.tail === undefined) await writeEntries(keep(batch));
    else kept = opts.tail <= 0 ? [] : [...kept, ...keep(batch)].slice(-opts.tail);
  }
  if (opts.tail !== undefined) await writeEntries(kept);
  if (!opts.follow || !c.init) return;
  // -f: what arrives until the container's init is gone (docker logs -f ends with the container) or Ctrl-C
  const init = join(paths.proc, String(c.init.hostPid));
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    while (!stop.signal.aborted) {
      await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
      await writeEntries(keep(cursor.read()));
      if (!existsSync(init)) break;
    }
    await writeEntries(keep(cursor.read()));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
