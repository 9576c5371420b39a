// The layer tars of a save: each stored layer dir written back as a tar (diff-walk), once per save, into the
// staging dir. A layer tctop made itself comes back byte for byte (its diff_id came from the same writer); a layer
// loaded from elsewhere was written by another tar program, so its regenerated tar has a diff_id of its own, and
// the image's config is rewritten to list that one (docker load checks every layer against the config).
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { layerTarStream } from './diff-walk.js';
import { layerRootDir } from './store-paths.js';

export interface SavedLayer {
  /** sha256:<hex> of the tar as written now. */
  diffId: string;
  file: string;
  size: number;
}

export class SaveLayers {
  private readonly done = new Map<string, SavedLayer>();
  private count = 0;

  constructor(
    private readonly root: string,
    private readonly staging: string,
  ) {}

  /** The tar of the stored layer `storedDiffId`, written once. */
  async layer(storedDiffId: string): Promise<SavedLayer> {
    const known = this.done.get(storedDiffId);
    if (known) return known;
    const file = join(this.staging, `layer-${this.count++}.tar`);
    const hash = createHash('sha256');
    let size = 0;
    const handle = await open(file, 'wx', 0o600);
    try {
      for await (const chunk of layerTarStream(layerRootDir(this.root, storedDiffId.slice(7)))) {
        hash.update(chunk);
        size += chunk.length;
        await handle.write(chunk);
      }
    } finally {
      await handle.close();
    }
    const saved = { diffId: 'sha256:' + hash.digest('hex'), file, size };
    this.done.set(storedDiffId, saved);
    return saved;
  }
}
