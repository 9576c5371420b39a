// A stored layer as a registry blob. The store keeps each layer's bytes as they arrived (LayerMeta.blob): a gzip blob
// (pulled, or loaded from an OCI layout) is pushed as it is, so its digest is the one the source registry had; a plain
// tar (docker save, import, build) is gzipped once, at its first push, and that gzip is kept beside it
// (push-blob.tar.gz + push-blob.json), so every later push sends the same bytes and finds the same digest.
// sources.json remembers which repositories have a layer's blob, for cross-repository mounts (and
// configs/sha256/<hex>.sources.json which have an image's config blob).
import { createReadStream, createWriteStream, promises as fsp, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { RegistryError } from '../../errors.js';
import { lazyBuiltin } from '../../lazy-builtin.js';
import { writeFileAtomic } from '../atomic-write.js';
import { readLayerMeta, layerBlobPath } from '../images/layer-store.js';
import { configSourcesPath, layerDir } from '../images/store-paths.js';
import { withStoreLock } from '../images/store-lock.js';
import { DOCKER_LAYER_GZIP } from './manifest.js';

// on first use: only a layer gzipped for its first push is hashed here
const crypto = lazyBuiltin<typeof import('node:crypto')>('node:crypto');

export interface PushableBlob {
  path: string;
  digest: string;
  size: number;
  mediaType: string;
}

export interface BlobSource {
  registry: string;
  repository: string;
}

// on first use: only a layer's first push gzips it
const zlib = lazyBuiltin<typeof import('node:zlib')>('node:zlib');

const GZIP_FILE = 'push-blob.tar.gz';
const GZIP_META = 'push-blob.json';
const SOURCES = 'sources.json';

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The gzip blob for a layer: the kept one, the cached gzip of a plain one, or a new gzip made now (staged first: the
 * staging dir is asked for only then). */
export async function pushableBlob(root: string, diffId: string, staging: () => Promise<string>): Promise<PushableBlob> {
  const hex = diffId.slice(7);
  const meta = readLayerMeta(root, hex);
  if (!meta) throw new RegistryError(`layer ${diffId} is missing from the store`);
  if (!meta.blob)
    throw new RegistryError(`layer ${diffId} was stored by an older tctop without its tar; load or pull the image again to push it`);
  if (meta.blob.compression === 'gzip')
    return { path: layerBlobPath(root, hex), digest: meta.blob.digest, size: meta.blob.size, mediaType: DOCKER_LAYER_GZIP };
  const dir = layerDir(root, hex);
  const cached = readJson<{ digest: string; size: number }>(join(dir, GZIP_META));
  if (cached && statSync(join(dir, GZIP_FILE), { throwIfNoEntry: false })?.size === cached.size) {
    return { path: join(dir, GZIP_FILE), digest: cached.digest, size: cached.size, mediaType: DOCKER_LAYER_GZIP };
  }
  const temp = join(await staging(), `${hex}.tar.gz`);
  const hash = crypto().createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  // fixed level, no name or mtime in the header: the same tar always gives the same bytes with this zlib
  await pipeline(
    createReadStream(layerBlobPath(root, hex)),
    zlib().createGzip({ level: zlib().constants.Z_DEFAULT_COMPRESSION }),
    tap,
    createWriteStream(temp, { mode: 0o600 }),
  );
  const digest = 'sha256:' + hash.digest('hex');
  await withStoreLock(root, async () => {
    await fsp.rename(temp, join(dir, GZIP_FILE));
    writeFileAtomic(join(dir, GZIP_META), JSON.stringify({ digest, size }) + '\n', { mode: 0o600 });
  }).catch(async (err) => {
    await fsp.rm(temp, { force: true });
    throw err;
  });
  return { path: join(dir, GZIP_FILE), digest, size, mediaType: DOCKER_LAYER_GZIP };
}

function readSources(path: string): BlobSource[] {
  const list = readJson<BlobSource[]>(path);
  return Array.isArray(list) ? list.filter((s) => typeof s?.registry === 'string' && typeof s?.repository === 'string') : [];
}

export function blobSources(root: string, diffId: string): BlobSource[] {
  return readSources(join(layerDir(root, diffId.slice(7)), SOURCES));
}

export function configSources(root: string, configHex: string): BlobSource[] {
  return readSources(configSourcesPath(root, configHex));
}

/** Best effort: a mount hint lost is only a slower push. `dir` is a stored or staged layer dir. */
export function addBlobSource(dir: string, source: BlobSource): void {
  addSource(join(dir, SOURCES), source);
}

export function addConfigSource(root: string, configHex: string, source: BlobSource): void {
  addSource(configSourcesPath(root, configHex), source);
}

/** Synchronous: a few hundred bytes written and renamed cost less than their trips through libuv's thread pool. */
function addSource(path: string, source: BlobSource): void {
  const list = readJson<BlobSource[]>(path) ?? [];
  if (list.some((s) => s.registry === source.registry && s.repository === source.repository)) return;
  list.push(source);
  try {
    // renamed into place but not fsynced: a hint lost in a crash only costs an upload
    writeFileAtomic(path, JSON.stringify(list.slice(-20)) + '\n', { mode: 0o600, durable: false });
  } catch {
    /* a read-only store: the next push uploads (or HEADs) instead of mounting */
  }
}

export function storedLayerDir(root: string, diffId: string): string {
  return layerDir(root, diffId.slice(7));
}
