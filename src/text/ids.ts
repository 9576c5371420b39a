// Full container IDs: 64 hex digits, as docker, containerd, CRI-O, podman, runc and tctop make them; shown as their
// first 12, as docker shows them. Other runtimes' IDs (lxc and nspawn names, ctr IDs a user chose) stay whole.

/** The digits of a full ID, for patterns that hold one (a cgroup name, a directory name). */
export const FULL_ID_HEX = '[0-9a-f]{64}';

const FULL_ID = new RegExp(`^${FULL_ID_HEX}$`);

export function isFullId(s: string): boolean {
  return FULL_ID.test(s);
}

export function shortId(id: string): string {
  return isFullId(id) ? id.slice(0, 12) : id;
}
