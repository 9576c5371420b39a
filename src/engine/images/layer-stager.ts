// Extracts and verifies the layers of a load, import or pull in its staging dir; nothing reaches the store until commit.
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open as openFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { UsageError } from '../../errors.js';
import { extractTar, type ExtractResult } from './extract-tar.js';
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
    const dir = await this.newLayerDir();
    const blob = createWriteStream(join(dir, 'blob'), { mode: 0o600 });
    const kept = { size: 0, gzip: false };
    const result = await extractTar(keepCopy(open(), blob, kept), join(dir, 'root'), { convertWhiteouts: true, what });
    return this.register(dir, result, expect, kept, what);
  }

  /** A fresh layer dir in the staging dir; a download may write its blob there first (stageBlob). */
  async newLayerDir(): Promise<string> {
    const dir = join(this.staging, 'layers', String(this.count++));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  /**
   * Extracts the blob a download left in `dir` (newLayerDir()/blob, its digest already checked), reporting the bytes
   * read as it goes: a pull's "Extracting" after its "Download complete", as docker shows it.
   */
  async stageBlob(dir: string, expect: LayerExpectation, what: string, onRead?: (n: number) => void): Promise<string> {
    const path = join(dir, 'blob');
    const size = (await stat(path)).size;
    const head = Buffer.alloc(2);
    const fd = await openFile(path, 'r');
    try {
      await fd.read(head, 0, 2, 0);
    } finally {
      await fd.close();
    }
    const kept = { size, gzip: size >= 2 && head[0] === 0x1f && head[1] === 0x8b };
    const result = await extractTar(counted(createReadStream(path), onRead), join(dir, 'root'), { convertWhiteouts: true, what });
    return this.register(dir, result, expect, kept, what);
  }

  private register(
    dir: string,
    result: ExtractResult,
    expect: LayerExpectation,
    kept: { size: number; gzip: boolean },
    what: string,
  ): string {
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

async function* counted(chunks: AsyncIterable<Buffer>, onRead?: (n: number) => void): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of chunks) {
    n += chunk.length;
    onRead?.(n);
    yield chunk;
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
