// containers/storage (podman, CRI-O, buildah), for naming a container's lower dirs: the overlay driver mounts
// <storage>/overlay/l/<short> links (relative ones, `l/<short>`, when the options would not fit a page), each a link
// to ../<layer-id>/diff, and <storage>/overlay-layers/layers.json lists the layers with their `diff-digest` (the
// image config's diff_id) and `compressed-diff-digest`.
import { posix } from 'node:path';
import { underRoot } from '../../host/paths.js';
import { readText } from '../../host/read.js';
import { memo, str } from '../metadata.js';
import type { LayerName } from '../../snapshot/rootfs/model.js';
import type { DiscoveryContext } from '../types.js';
import { storeLayerDir } from './overlay-links.js';

const OVERLAY = '/var/lib/containers/storage/overlay';

/** layer ID -> diff digest, from <storage>/overlay-layers/layers.json (`overlay` is <storage>/overlay). */
function layerDigests(ctx: DiscoveryContext, overlay: string): Map<string, string | undefined> {
  const file = posix.join(posix.dirname(overlay), 'overlay-layers', 'layers.json');
  return memo(ctx, `containers-storage:${file}`, () => {
    const out = new Map<string, string | undefined>();
    const path = underRoot(ctx.paths, file);
    const text = readText(path);
    if (!text) return out;
    try {
      const layers = JSON.parse(text) as unknown;
      for (const l of Array.isArray(layers) ? layers : []) {
        const id = str((l as Record<string, unknown>)?.id);
        if (id) out.set(id, str((l as Record<string, unknown>)['diff-digest']));
      }
    } catch (err) {
      ctx.note(path, `unparsable JSON: ${(err as Error).message}`);
    }
    return out;
  });
}

export function containersStorageLayers(lowerDirs: readonly string[], ctx: DiscoveryContext): Array<LayerName & { path?: string }> {
  return lowerDirs.map((lower) => {
    const dir = storeLayerDir(ctx, lower, OVERLAY);
    if (!dir || !/^[0-9a-f]{64}$/.test(dir.id)) return {};
    const digests = layerDigests(ctx, dir.store);
    if (!digests.has(dir.id)) return { path: dir.path, storeId: dir.id, note: "not in the storage's layers.json" };
    const digest = digests.get(dir.id);
    return digest
      ? { path: dir.path, storeId: dir.id, digest }
      : { path: dir.path, storeId: dir.id, note: 'layers.json names no diff digest' };
  });
}
