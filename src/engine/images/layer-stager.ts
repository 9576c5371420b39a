// Extracts and verifies the layers of a load or import in its staging dir; nothing reaches the store until commit.
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { extractTar } from './extract-tar.js';
import { hasLayer, type LayerMeta } from './layer-store.js';
import { digestTar } from './tar-source.js';

export interface StagedLayer {
  /** The staged dir holding root/, renamed into the store on commit. */
  dir: string;
  meta: LayerMeta;
}

export interface LayerExpectation {
  /** The diff_id the image config lists for this layer. */
  diffId?: string;
  /** The blob digest a manifest lists (OCI), checked against the bytes as stored. */
  blobDigest?: string;
}

export class LayerStager {
  readonly staged = new Map<string, StagedLayer>();
  private count = 0;

  constructor(
    private readonly root: string,
    private readonly staging: string,
  ) {}

  /** Returns the verified diff_id. A layer the store (or this load) already has is only hashed, not extracted again. */
  async stage(open: () => AsyncIterable<Buffer>, expect: LayerExpectation, what: string): Promise<string> {
    const known = expect.diffId && (this.staged.has(expect.diffId) || (await hasLayer(this.root, expect.diffId.slice(7))));
    if (known) {
      const { diffId, rawDigest } = await digestTar(open(), what);
      verify(expect, diffId, rawDigest, what);
      return diffId;
    }
    const dir = join(this.staging, 'layers', String(this.count++));
    const result = await extractTar(open(), join(dir, 'root'), { convertWhiteouts: true, what });
    verify(expect, result.diffId, result.rawDigest, what);
    if (!this.staged.has(result.diffId)) {
      this.staged.set(result.diffId, {
        dir,
        meta: { diffId: result.diffId, size: result.contentBytes, tarSize: result.tarBytes, created: new Date().toISOString() },
      });
    }
    return result.diffId;
  }
}

function verify(expect: LayerExpectation, diffId: string, rawDigest: string, what: string): void {
  if (expect.blobDigest && expect.blobDigest !== rawDigest) {
    throw new UsageError(`refusing archive: ${what} does not match its digest (manifest says ${expect.blobDigest}, content is ${rawDigest})`);
  }
  if (expect.diffId && expect.diffId !== diffId) {
    throw new UsageError(`refusing archive: ${what} does not match its diff_id (config says ${expect.diffId}, content is ${diffId})`);
  }
}
