// Full IDs: 64 hex digits, as docker, containerd, CRI-O, podman, runc and tctop name containers. A full ID wins over
// names and prefixes (docker's order), so it may be answered before the whole host is scanned.
import { isFullId } from '../text/ids.js';

/** Whether these references could be answered by the container cgroups alone: full IDs only, no --pid. */
export function mayBeAnsweredByFullIds(refs: string[], pids: unknown[] = []): boolean {
  return pids.length === 0 && refs.length > 0 && refs.every(isFullId);
}
