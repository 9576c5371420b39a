// A process's open descriptors, for cAdvisor's container_file_descriptors and container_sockets. The count alone is
// one stat: since Linux 6.2 the size of /proc/<pid>/fd is the number of open descriptors. Sockets take a readlink
// per descriptor ("socket:[inode]"), as cAdvisor does it; callers rate-limit that (snapshot/descriptor-cache.ts).
import { statSync } from 'node:fs';
import type { HostReader } from '../reader.js';

/** Open descriptors of a process by the directory's size; null on kernels before 6.2 (size 0) or when gone. */
export function countOpenFiles(r: HostReader, pid: number): number | null {
  const dir = `${r.paths.proc}/${pid}/fd`;
  try {
    const st = statSync(dir, { throwIfNoEntry: false });
    return st && st.size > 0 ? st.size : null;
  } catch (err) {
    r.caught(err, dir);
    return null;
  }
}

/** Open descriptors and how many are sockets, from the fd directory's links; null when the process is gone. */
export function readDescriptors(r: HostReader, pid: number): { files: number; sockets: number } | null {
  const dir = `${r.paths.proc}/${pid}/fd`;
  const fds = r.list(dir);
  if (fds.length === 0) return countOpenFiles(r, pid) === null ? null : { files: 0, sockets: 0 };
  let sockets = 0;
  for (const fd of fds) if (r.link(`${dir}/${fd}`)?.startsWith('socket:')) sockets++;
  return { files: fds.length, sockets };
}
