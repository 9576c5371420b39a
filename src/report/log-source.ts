// Where a container's output is kept on disk, as its runtime's adapter says: the one lookup behind `tctop logs`
// for other runtimes and the dashboard's logs view.
import { ADAPTERS } from '../discovery/adapters/index.js';
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
