// `tctop tag SOURCE TARGET`: one more name:tag for an image (a name already used moves to it, as docker tag).
import { normalizeReference } from './reference.js';
import { updateRepositories } from './repositories.js';
import { resolveImageId } from './resolve.js';
import { withStoreLock } from './store-lock.js';

export async function tagImage(root: string, source: string, target: string): Promise<{ id: string; ref: string }> {
  const ref = normalizeReference(target);
  return withStoreLock(root, async () => {
    const { hex } = resolveImageId(root, source);
    await updateRepositories(root, (repos) => {
      repos[ref] = `sha256:${hex}`;
    });
    return { id: `sha256:${hex}`, ref };
  });
}

/** Points each ref at the image, under the lock (build and commit name their result with this). */
export async function tagAll(root: string, hex: string, refs: string[]): Promise<void> {
  if (refs.length === 0) return;
  await withStoreLock(root, () => updateRepositories(root, (repos) => refs.forEach((r) => (repos[r] = `sha256:${hex}`))));
}
