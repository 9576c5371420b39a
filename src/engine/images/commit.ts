// The only step that changes the store for a load or import: under the lock, staged layers are renamed in, configs
// written, then tags pointed at them. Until this runs, nothing of the load is visible.
import { existsSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import { writeConfig, type ImageConfig } from './image-config.js';
import { commitLayer, hasLayer } from './layer-store.js';
import type { StagedLayer } from './layer-stager.js';
import { updateRepositories } from './repositories.js';
import { withStoreLock } from './store-lock.js';
import { configPath } from './store-paths.js';

export interface StagedImage {
  configHex: string;
  configBytes: Buffer;
  config: ImageConfig;
  refs: string[];
}

export interface CommittedImage {
  id: string;
  refs: string[];
}

export async function commitImages(root: string, layers: Iterable<StagedLayer>, images: StagedImage[]): Promise<CommittedImage[]> {
  return withStoreLock(root, async () => {
    for (const layer of layers) await commitLayer(root, layer.dir, layer.meta);
    for (const image of images) {
      for (const diffId of image.config.rootfs.diff_ids) {
        if (!(await hasLayer(root, diffId.slice(7)))) throw new UsageError(`layer ${diffId} of image sha256:${image.configHex} is missing`);
      }
      if (!existsSync(configPath(root, image.configHex))) await writeConfig(root, image.configHex, image.configBytes);
    }
    const tagged = images.filter((i) => i.refs.length);
    if (tagged.length) {
      await updateRepositories(root, (repos) => {
        for (const image of tagged) for (const ref of image.refs) repos[ref] = `sha256:${image.configHex}`;
      });
    }
    return images.map((i) => ({ id: `sha256:${i.configHex}`, refs: i.refs }));
  });
}
