// The container's name where any reader finds it by ID alone (engine-contract/state-dir.ts: NAME_LINKS_DIR): an
// entry `<id>.<name>` made beside its cgroup and removed with it. Best effort: without it readers take the slower way
// (the shim's --state, then state.json), so a host whose /run refuses it still runs containers.
import { mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { NAME_LINKS_DIR, nameLinkEntry } from '../../engine-contract/state-dir.js';

const linksDir = (hostRoot: string) => join(hostRoot, NAME_LINKS_DIR);

/** Makes the entry `<id>.<name>`, atomically (renamed into place), and drops any other entry of the ID's. */
export function linkName(id: string, name: string, hostRoot = '/'): void {
  const dir = linksDir(hostRoot);
  const tmp = join(dir, `.${id}.${process.pid}`);
  const entry = nameLinkEntry(id, name);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 }); // names are no more public than state.json (its dir is 0700)
    rmSync(tmp, { force: true });
    symlinkSync(name, tmp); // the target repeats the name for `ls -l`; readers take it from the entry's name
    renameSync(tmp, join(dir, entry));
    removeEntries(dir, id, entry);
  } catch {
    removeQuietly(tmp);
  }
}

export function unlinkName(id: string, hostRoot = '/'): void {
  removeEntries(linksDir(hostRoot), id);
}

/** The ID's entries but `keep`: a reader that finds two for one ID reads the container's state instead. */
function removeEntries(dir: string, id: string, keep?: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // none made: a /run that refuses it
  }
  const prefix = `${id}.`;
  for (const n of names) if ((n.startsWith(prefix) || n === id) && n !== keep) removeQuietly(join(dir, n));
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // a /run that refuses it: nothing was made there either
  }
}
