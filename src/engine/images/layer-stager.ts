// Extracts and verifies the layers of a load or import in its staging dir; nothing reaches the store until commit.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
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
  /** The blob's media type as a registry manifest named it, kept with the blob for a later push. */
  mediaType?: string;
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
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const blob = createWriteStream(join(dir, 'blob'), { mode: 0o600 });
    const kept = { size: 0, gzip: false };
    const result = await extractTar(keepCopy(open(), blob, kept), join(dir, 'root'), { convertWhiteouts: true, what });
    verify(expect, result.diffId, result.rawDigest, what);
    if (!this.staged.has(result.diffId)) {
      const compression = kept.gzip ? ('gzip' as const) : ('none' as const);
      this.staged.set(result.diffId, {
        dir,
        meta: {
          diffId: result.diffId,
          size: result.contentBytes,
          tarSize: result.tarBytes,
          created: new Date().toISOString(),
          blob: { digest: result.rawDigest, size: kept.size, compression, ...(expect.mediaType ? { mediaType: expect.mediaType } : {}) },
        },
      });
    }
    return result.diffId;
  }
}

/** Copies the raw bytes into the layer's blob file on their way to extraction (see LayerMeta.blob). */
async function* keepCopy(raw: AsyncIterable<Buffer>, out: WriteStream, kept: { size: number; gzip: boolean }): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of raw) {
      if (kept.size === 0 && chunk.length >= 2) kept.gzip = chunk[0] === 0x1f && chunk[1] === 0x8b;
      kept.size += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
      yield chunk;
    }
    out.end();
    await finished(out);
  } finally {
    if (!out.writableFinished) out.destroy();
  }
}

function verify(expect: LayerExpectation, diffId: string, rawDigest: string, what: string): void {
  if (expect.blobDigest && expect.blobDigest !== rawDigest) {
    throw new UsageError(
      `refusing archive: ${what} does not match its digest (manifest says ${expect.blobDigest}, content is ${rawDigest})`,
    );
  }
  if (expect.diffId && expect.diffId !== diffId) {
    throw new UsageError(`refusing archive: ${what} does not match its diff_id (config says ${expect.diffId}, content is ${diffId})`);
  }
}
