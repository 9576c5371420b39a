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

/** A segment path.join would change: empty (a doubled, leading or trailing slash), "." or "..". */
const UNCLEAN = /(?:^|\/)\.{0,2}(?:\/|$)/;

/**
 * path.join(dir, rel) for a normalized `dir`: a concatenation when `rel` is clean segments (readdir's names, the
 * paths a build's merged view is asked for, a container's cgroup path), which is what path.join returns for them;
 * anything else goes through path.join. Why: path.join normalizes and allocates doing so, ~10 us a call in a one-shot
 * command's cold code (a cached build's walk of a 51-file context makes ~100 of them: ~1 ms of its ~45), and a
 * scanner builds a few cgroup paths per container every scan.
 */
export function joinUnder(dir: string, rel: string): string {
  if (UNCLEAN.test(rel)) return join(dir, rel);
  return dir.endsWith('/') ? dir + rel : `${dir}/${rel}`;
}
