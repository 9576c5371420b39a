// Which filesystem a directory is on (statfs f_type): only kernel filesystems' files may be kept open between scans
// (open-files.ts), and only cgroup2's cgroup.procs reads its members afresh through a kept descriptor.
import { statfsSync } from 'node:fs';

/** procfs, sysfs, cgroup v1 and cgroup2 (statfs f_type). */
const KERNEL_FS_MAGIC = new Set([0x9fa0, 0x62656572, 0x27e0eb, 0x63677270]);

/** Whether `dir` is a kernel filesystem whose files may be kept open (false for fixture trees, or when unknown). */
export function isKernelFs(dir: string): boolean {
  try {
    return KERNEL_FS_MAGIC.has(Number(statfsSync(dir).type));
  } catch {
    return false;
  }
}

const CGROUP2_MAGIC = 0x63677270;

/** Whether `dir` is on cgroup2, where a kept cgroup.procs reads the members afresh at offset 0. */
export function isCgroup2Fs(dir: string): boolean {
  try {
    return Number(statfsSync(dir).type) === CGROUP2_MAGIC;
  } catch {
    return false;
  }
}
