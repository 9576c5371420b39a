// Every reader works below a root: '/' on the host, a fixture tree in tests, '/host' inside a DaemonSet pod.
import { join } from 'node:path';

export interface HostPaths {
  root: string;
  proc: string;
  cgroup: string;
}

export function hostPaths(root = '/'): HostPaths {
  return { root, proc: join(root, 'proc'), cgroup: join(root, 'sys/fs/cgroup') };
}

/** A host-absolute path (/var/lib/docker/...) seen under the root. */
export function underRoot(paths: HostPaths, absolute: string): string {
  return paths.root === '/' ? absolute : join(paths.root, absolute);
}
