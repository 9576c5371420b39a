// Finding containers by what a user types: a full ID, a name, or a unique ID prefix; or a host PID.
import { NotFoundError, UsageError } from '../errors.js';
import type { Container, HostSnapshot } from '../snapshot/model.js';
import { mayName, resolveRef } from '../text/container-ref.js';
import { escapeControls } from '../text/sanitize.js';
import { shortId } from '../text/ids.js';

/**
 * Docker's precedence (a full ID, then an exact name, then a unique ID prefix: text/container-ref.ts) among the
 * containers a cgroup or a runtime's state shows; only when none of them matches, among those found by their PID
 * namespace alone. Those are named by their processes (a sandbox by its init's comm, which any process sets): they
 * never shadow a runtime's container, and a reference that names one of its containers is answered without the
 * pass over every host process that finds them (answeredBeforeNamespacePass).
 */
export function resolveContainer(containers: Container[], ref: string): Container {
  const vouched = containers.filter((c) => !c.byPidNamespaceOnly);
  const among = ref !== '' && vouched.some((c) => mayName(c, ref)) ? vouched : containers.filter((c) => c.byPidNamespaceOnly);
  return resolveRef(among, ref, (c) => `${shortId(c.id)} (${escapeControls(c.name)}, ${c.runtime})`);
}

export function containerOfPid(snapshot: HostSnapshot, pid: number): Container {
  if (!Number.isInteger(pid) || pid <= 0) throw new UsageError(`invalid PID: ${pid}`);
  const c = snapshot.containers.find((x) => x.pids.includes(pid));
  if (c) return c;
  const shimOf = snapshot.containers.find((x) => x.shim?.pid === pid);
  if (shimOf)
    throw new NotFoundError(
      `process ${pid} is the shim of container ${shortId(shimOf.id)} (${escapeControls(shimOf.name)}), not inside it`,
    );
  throw new NotFoundError(`process ${pid} is not in any container`);
}

/**
 * Whether the containers the cgroups and the runtimes' state show already answer these references for good: each
 * may name one of them (or several: ambiguous either way), and what the PID-namespace pass adds ranks below them
 * (resolveContainer).
 */
export function answeredBeforeNamespacePass(found: Container[], refs: string[]): boolean {
  return refs.length > 0 && refs.every((r) => r !== '' && found.some((c) => mayName(c, r)));
}
