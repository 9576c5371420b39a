// Docker's overlay2 store, for naming a container's lower dirs: dockerd mounts <root>/overlay2/l/<short> links
// (relative ones, `l/<short>`, when the options would not fit a page), each a link to ../<cache-id>/diff; the
// layer database maps chain IDs to cache IDs (<root>/image/overlay2/layerdb/sha256/<chain-id>/cache-id) and holds
// each layer's diff ID (`diff`: the image config's rootfs.diff_ids, docker image inspect's RootFS.Layers).
import { join, posix } from 'node:path';
import { underRoot } from '../../host/paths.js';
import { listDir, readText } from '../../host/read.js';
import { memo } from '../metadata.js';
import type { LayerName } from '../../snapshot/rootfs/model.js';
import type { DiscoveryContext } from '../types.js';
import { storeLayerDir } from './overlay-links.js';

const OVERLAY2 = '/var/lib/docker/overlay2';
const CACHE_ID = /^[0-9a-f]{64}(-init)?$/;

/** cache-id -> { chain ID, diff ID } of every layer in the layerdb beside `overlay2` (a host path). */
function layerIndex(ctx: DiscoveryContext, overlay2: string): Map<string, { chainId: string; diffId?: string }> {
  const layerdb = posix.join(posix.dirname(overlay2), 'image', posix.basename(overlay2), 'layerdb', 'sha256');
  return memo(ctx, `docker:layerdb:${layerdb}`, () => {
    const out = new Map<string, { chainId: string; diffId?: string }>();
    const dir = underRoot(ctx.paths, layerdb);
    for (const chain of listDir(dir)) {
      if (!/^[0-9a-f]{64}$/.test(chain)) continue;
      const cacheId = readText(join(dir, chain, 'cache-id'))?.trim();
      const diffId = readText(join(dir, chain, 'diff'))?.trim();
      if (cacheId) out.set(cacheId, { chainId: `sha256:${chain}`, diffId: diffId?.startsWith('sha256:') ? diffId : undefined });
    }
    return out;
  });
}

export function dockerImageLayers(lowerDirs: readonly string[], ctx: DiscoveryContext): Array<LayerName & { path?: string }> {
  return lowerDirs.map((lower) => {
    const dir = storeLayerDir(ctx, lower, OVERLAY2);
    if (!dir || !CACHE_ID.test(dir.id)) return {};
    if (dir.id.endsWith('-init'))
      return { path: dir.path, storeId: dir.id, note: "docker's init layer: the container's /etc/hosts, hostname, resolv.conf" };
    const layer = layerIndex(ctx, dir.store).get(dir.id);
    if (!layer) return { path: dir.path, storeId: dir.id, note: "not in docker's layer database" };
    return { path: dir.path, storeId: dir.id, digest: layer.diffId };
  });
}
