// `tctop rmi`: untag, and delete the image (and the layers no other image shares) once nothing refers to it.
import { readdir, rm } from 'node:fs/promises';
import { ConflictError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { containersUsing } from './containers-using.js';
import { listConfigIds, readConfig } from './image-config.js';
import { removeLayer } from './layer-store.js';
import { readRepositories, updateRepositories } from './repositories.js';
import { refsOf, resolveImageId } from './resolve.js';
import { withStoreLock } from './store-lock.js';
import { configPath, configSourcesPath, layersDir } from './store-paths.js';

export interface RemoveResult {
  untagged: string[];
  /** sha256:<hex> when the image itself was deleted. */
  deleted?: string;
  layersDeleted: number;
}

export async function removeImage(root: string, ref: string, force = false): Promise<RemoveResult> {
  return withStoreLock(root, async () => {
    const repos = readRepositories(root);
    const { hex, matchedRef } = resolveImageId(root, ref, repos);
    const refs = refsOf(repos, hex);
    const short = hex.slice(0, 12);

    // By name, with other names left: only that tag goes (as docker rmi name:tag).
    if (matchedRef && refs.length > 1) {
      await updateRepositories(root, (r) => delete r[matchedRef]);
      return { untagged: [matchedRef], layersDeleted: 0 };
    }
    if (!matchedRef && refs.length > 1 && !force) {
      throw new ConflictError(`image ${short} is tagged ${refs.join(', ')}; remove it by name, or use -f to remove every tag`);
    }
    const users = containersUsing(root, hex);
    if (users.length && !force) {
      const names = users.map((u) => cell(u.name ? `${u.name} (${u.id.slice(0, 12)})` : u.id.slice(0, 12), 100)).join(', ');
      throw new ConflictError(
        `image ${short} is used by container${users.length > 1 ? 's' : ''} ${names}; remove ${users.length > 1 ? 'them' : 'it'} first or use -f`,
      );
    }
    if (refs.length) await updateRepositories(root, (r) => refs.forEach((t) => delete r[t]));
    // -f on an image a container still uses only untags it: its layers are that container's lowerdirs.
    if (users.length) return { untagged: refs, layersDeleted: 0 };

    await rm(configPath(root, hex), { force: true });
    await rm(configSourcesPath(root, hex), { force: true });
    return { untagged: refs, deleted: `sha256:${hex}`, layersDeleted: await collectLayers(root) };
  });
}

/** Deletes layers no image config lists any more. Runs under the store lock, so no load is half-committed. */
async function collectLayers(root: string): Promise<number> {
  const wanted = new Set<string>();
  for (const hex of listConfigIds(root)) {
    try {
      for (const d of readConfig(root, hex).rootfs.diff_ids) wanted.add(d.slice(7));
    } catch {
      // an unreadable config keeps nothing alive
    }
  }
  let removed = 0;
  const present = await readdir(layersDir(root)).catch(() => [] as string[]);
  for (const layer of present) {
    if (wanted.has(layer)) continue;
    await removeLayer(root, layer);
    removed++;
  }
  return removed;
}
