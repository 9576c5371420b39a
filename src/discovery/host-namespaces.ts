// The host's own namespaces: those of PID 1, or of kthreadd (PID 2, always in the initial namespaces) where PID 1
// cannot be read (a PID 1 holding a capability we lack answers EACCES even to root).
import { readNamespaces } from '../host/procfs/namespaces.js';
import type { HostReader } from '../host/reader.js';
import type { NamespaceSet } from '../snapshot/model.js';

export function readHostNamespaces(r: HostReader): { namespaces: NamespaceSet; fromPid: number } {
  for (const pid of [1, 2]) {
    const ns = readNamespaces(r, pid);
    if (ns.pid !== undefined && ns.mnt !== undefined) return { namespaces: ns, fromPid: pid };
  }
  return { namespaces: {}, fromPid: 0 };
}
