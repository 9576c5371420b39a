// A directory's changes (a container's upper dir, a COPY's files) staged as a new layer: its tar streamed through
// the same verified extraction a load uses, so the stored layer is exactly what the tar says. No changes at all
// make docker's empty layer (a tar of two zero blocks), which node-tar would refuse as "not a tar".
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { END_OF_ARCHIVE } from './diff-tar-format.js';
import { layerEntries, layerTarStream, type DiffOptions } from './diff-walk.js';
import type { LayerStager } from './layer-stager.js';
import { sha256Digest } from './sha256.js';

/** Returns the new layer's diff_id; the layer is in `stager.staged` under it. */
export async function stageDirAsLayer(
  stager: LayerStager,
  dir: string,
  options: DiffOptions,
  what: string,
  staging: string,
): Promise<string> {
  const entries = layerEntries(dir, options);
  if (entries.length > 0) return stager.stage(() => layerTarStream(dir, options, entries), {}, what);
  const diffId = sha256Digest(END_OF_ARCHIVE);
  const layerDir = join(staging, `empty-layer-${stager.staged.size}`);
  await mkdir(join(layerDir, 'root'), { recursive: true, mode: 0o755 });
  stager.staged.set(diffId, {
    dir: layerDir,
    meta: { diffId, size: 0, tarSize: END_OF_ARCHIVE.length, created: new Date().toISOString() },
  });
  return diffId;
}
