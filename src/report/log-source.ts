// Where a container's output is kept on disk, as its runtime's adapter says: the one lookup behind `tctop logs`
// for other runtimes and the dashboard's logs view.
import { ADAPTERS } from '../discovery/adapters/index.js';
import { LocalLogCursor } from '../discovery/adapters/docker-local-log.js';
import { LogCursor, parseCriLine, parseLogLine, type EntryCursor } from '../engine/containers/log-reader.js';
import type { LogSource } from '../discovery/types.js';
import type { HostPaths } from '../host/paths.js';
import { HostReader } from '../host/reader.js';
import type { Container } from '../snapshot/model.js';

/** The adapter's answer, or `unclaimed` (said as the caller likes) when no runtime has a log for `c`. */
export function logSourceOf(c: Container, paths: HostPaths, unclaimed: string): LogSource {
  const adapter = ADAPTERS.find((a) => a.runtime === c.runtime);
  return (
    adapter?.logSource?.(c, { paths, reader: new HostReader(paths), memo: new Map(), note: () => undefined }) ?? { unreadable: unclaimed }
  );
}

/** The reader of a log file in `format` (a file path on this host, under the root already). */
export function cursorOf(file: string, format: 'json-file' | 'cri' | 'docker-local'): EntryCursor {
  if (format === 'docker-local') return new LocalLogCursor(file);
  return new LogCursor(file, format === 'cri' ? parseCriLine : parseLogLine);
}
