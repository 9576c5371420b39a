// Finding containers by what a user types: a full ID, a unique ID prefix, or a name; or a host PID.
import { AmbiguousError, NotFoundError, UsageError } from '../errors.js';
import type { Container, HostSnapshot } from '../snapshot/model.js';
import { escapeControls } from '../text/sanitize.js';
import { shortId } from '../text/format.js';

export function resolveContainer(containers: Container[], ref: string): Container {
  if (ref === '') throw new UsageError('empty container reference');
  const exact = containers.filter((c) => c.id === ref || c.name === ref);
  if (exact.length === 1) return exact[0];
  const matches = exact.length > 1 ? exact : containers.filter((c) => c.id.startsWith(ref));
  if (matches.length === 1) return matches[0];
  const shown = escapeControls(ref);
  if (matches.length === 0) throw new NotFoundError(`no such container: ${shown}`);
  const list = matches.map((c) => `${shortId(c.id)} (${escapeControls(c.name)}, ${c.runtime})`).join(', ');
  throw new AmbiguousError(`"${shown}" matches ${matches.length} containers: ${list}`);
}

export function containerOfPid(snapshot: HostSnapshot, pid: number): Container {
  if (!Number.isInteger(pid) || pid <= 0) throw new UsageError(`invalid PID: ${pid}`);
  const c = snapshot.containers.find((x) => x.pids.includes(pid));
  if (c) return c;
  const shimOf = snapshot.containers.find((x) => x.shim?.pid === pid);
  if (shimOf) throw new NotFoundError(`process ${pid} is the shim of container ${shortId(shimOf.id)} (${escapeControls(shimOf.name)}), not inside it`);
  throw new NotFoundError(`process ${pid} is not in any container`);
}
