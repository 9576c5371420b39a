// The container's name where any reader finds it by ID alone (engine-contract/state-dir.ts: NAME_LINKS_DIR): a
// symlink made beside its cgroup and removed with it. Best effort: without it readers take the slower way (the
// shim's --state, then state.json), so a host whose /run refuses it still runs containers.
import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { NAME_LINKS_DIR } from '../../engine-contract/state-dir.js';

const linksDir = (hostRoot: string) => join(hostRoot, NAME_LINKS_DIR);

/** Points <id> at `name`, atomically (a reader sees the old link or the new one, never none). */
export function linkName(id: string, name: string, hostRoot = '/'): void {
  const dir = linksDir(hostRoot);
  const tmp = join(dir, `.${id}.${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 }); // names are no more public than state.json (its dir is 0700)
    rmSync(tmp, { force: true });
    symlinkSync(name, tmp);
    renameSync(tmp, join(dir, id));
  } catch {
    removeQuietly(tmp);
  }
}

export function unlinkName(id: string, hostRoot = '/'): void {
  removeQuietly(join(linksDir(hostRoot), id));
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // a /run that refuses it: nothing was made there either
  }
}
