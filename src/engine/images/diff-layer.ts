// A directory's changes (a container's upper dir) staged as a new layer: its tar streamed through the same
// verified extraction a load uses, so the stored layer is exactly what the tar says.
import { layerTarStream, type DiffOptions } from './diff-walk.js';
import type { LayerStager } from './layer-stager.js';

/** Returns the new layer's diff_id. */
export async function stageDirAsLayer(stager: LayerStager, dir: string, options: DiffOptions, what: string): Promise<string> {
  return stager.stage(() => layerTarStream(dir, options), {}, what);
}
