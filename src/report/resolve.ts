// Finding containers by what a user types: a full ID, a name, or a unique ID prefix; or a host PID.
import { NotFoundError, UsageError } from '../errors.js';
import type { Container, HostSnapshot } from '../snapshot/model.js';
import { resolveRef } from '../text/container-ref.js';
import { escapeControls } from '../text/sanitize.js';
import { shortId } from '../text/ids.js';

/** Docker's precedence: a full ID, then an exact name, then a unique ID prefix (text/container-ref.ts). */
export function resolveContainer(containers: Container[], ref: string): Container {
  return resolveRef(containers, ref, (c) => `${shortId(c.id)} (${escapeControls(c.name)}, ${c.runtime})`);
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
 * Whether the containers found so far already answer these references for good: each is the exact ID of exactly
 * one of them, which no container found later can change (an exact ID wins over names and prefixes).
 */
export function answeredByFullIds(found: Container[], refs: string[]): boolean {
  return refs.length > 0 && refs.every((r) => found.filter((c) => c.id === r).length === 1);
}
