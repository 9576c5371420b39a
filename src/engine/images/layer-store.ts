// Layers by diff_id: <root>/images/layers/sha256/<hex>/{root/,meta.json}. A layer dir is complete once meta.json is
// in it, and it only ever appears by rename, so a reader never sees a half-extracted layer.
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors.js';
import { layerDir, layerMetaPath, layersDir } from './store-paths.js';

export interface LayerMeta {
  diffId: string;
  /** Bytes of file content in the layer (what `tctop images` adds up). */
  size: number;
  /** Bytes of the uncompressed layer tar. */
  tarSize: number;
  created: string;
  /** The layer's bytes as they arrived (compressed or not), kept as `blob` beside root/ so a push sends what was
   * pulled or loaded, byte for byte, and the config's diff_ids still match. Absent on layers stored before. */
  blob?: { digest: string; size: number; compression: 'gzip' | 'none'; mediaType?: string };
}

export async function hasLayer(root: string, hex: string): Promise<boolean> {
  try {
    await fsp.stat(layerMetaPath(root, hex));
    return true;
  } catch {
    return false;
  }
}

export function hasLayerSync(root: string, hex: string): boolean {
  return existsSync(layerMetaPath(root, hex));
}

/** <layer>/blob: see LayerMeta.blob. */
export function layerBlobPath(root: string, hex: string): string {
  return join(layerDir(root, hex), 'blob');
}

export function readLayerMeta(root: string, hex: string): LayerMeta | undefined {
  try {
    return JSON.parse(readFileSync(layerMetaPath(root, hex), 'utf8')) as LayerMeta;
  } catch {
    return undefined;
  }
}

/** Moves a staged layer (a dir holding root/) into the store; a layer already there wins. Caller holds the lock. */
export async function commitLayer(root: string, staged: string, meta: LayerMeta): Promise<void> {
  const hex = meta.diffId.slice('sha256:'.length);
  if (await hasLayer(root, hex)) {
    await fsp.rm(staged, { recursive: true, force: true });
    return;
  }
  await fsp.writeFile(join(staged, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  await fsp.mkdir(layersDir(root), { recursive: true, mode: 0o700 });
  const target = layerDir(root, hex);
  await fsp.rm(target, { recursive: true, force: true }); // a dir without meta.json is debris of an interrupted commit
  try {
    await fsp.rename(staged, target);
  } catch (err) {
    if (errnoOf(err) !== 'ENOTEMPTY' && errnoOf(err) !== 'EEXIST') throw err;
    await fsp.rm(staged, { recursive: true, force: true });
  }
}

export async function removeLayer(root: string, hex: string): Promise<void> {
  // meta.json first: a layer without it is incomplete and never used, even if the recursive removal is interrupted
  await fsp.rm(layerMetaPath(root, hex), { force: true });
  await fsp.rm(layerDir(root, hex), { recursive: true, force: true });
}
