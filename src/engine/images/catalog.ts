// What `tctop images` lists: every image config in the store with its tags, creation time and size.
import { listConfigIds, readConfig } from './image-config.js';
import { readLayerMeta } from './layer-store.js';
import { readRepositories } from './repositories.js';
import { refsOf } from './resolve.js';
import { compareText } from '../../text/compare.js';

export interface ImageSummary {
  /** sha256:<config-hex> */
  id: string;
  refs: string[];
  /** ISO time from the config, when it has one. */
  created?: string;
  /** Bytes of file content over all layers. */
  size: number;
  layers: number;
}

export function listImages(root: string): ImageSummary[] {
  const repos = readRepositories(root);
  const out: ImageSummary[] = [];
  for (const hex of listConfigIds(root)) {
    let config: ReturnType<typeof readConfig>;
    try {
      config = readConfig(root, hex);
    } catch {
      continue; // removed while we listed
    }
    const size = config.rootfs.diff_ids.reduce((sum, d) => sum + (readLayerMeta(root, d.slice(7))?.size ?? 0), 0);
    const created = typeof config.created === 'string' ? config.created : undefined;
    out.push({ id: `sha256:${hex}`, refs: refsOf(repos, hex), created, size, layers: config.rootfs.diff_ids.length });
  }
  return out.sort((a, b) => compareText(b.created ?? '', a.created ?? '') || compareText(a.id, b.id));
}
