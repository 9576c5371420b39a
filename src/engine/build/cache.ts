// The build cache: step key -> the image config that step produced, under <root>/images/build-cache/. A key is the
// parent image's ID plus what the step does (the instruction after substitution, the build args it sees, the hash
// of the files it copies), so an unchanged step finds its result and a changed one misses from there on. An entry
// whose layers are gone from the store (rmi collected them) is a miss.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { parseImageConfig, type ImageConfig } from '../images/image-config.js';
import { hasLayerSync } from '../images/layer-store.js';
import { imagesDir } from '../images/store-paths.js';
import type { Sha256Memo } from './sha256-memo.js';

export interface CachedStep {
  id: string;
  config: ImageConfig;
  bytes: Buffer;
}

function entryPath(root: string, key: string): string {
  return join(imagesDir(root), 'build-cache', `${key}.json`);
}

export function stepKey(parentId: string, description: string, memo: Sha256Memo): string {
  return memo.digest(`${parentId}\n${description}`).slice(7);
}

/** Layers seen in the store by this process: a rebuild's steps share their parents' layers, checked once each. */
const presentLayers = new Set<string>();

function hasLayer(root: string, diffId: string): boolean {
  const key = `${root}\0${diffId}`;
  if (presentLayers.has(key)) return true;
  if (!hasLayerSync(root, diffId.slice(7))) return false;
  presentLayers.add(key);
  return true;
}

export function lookupStep(root: string, key: string, memo: Sha256Memo): CachedStep | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(entryPath(root, key));
  } catch {
    return null;
  }
  try {
    const config = parseImageConfig(bytes, 'build cache entry');
    if (!config.rootfs.diff_ids.every((d) => hasLayer(root, d))) return null;
    return { id: memo.digest(bytes), config, bytes };
  } catch {
    return null; // a damaged entry is only a miss
  }
}

export async function storeStep(root: string, key: string, bytes: Buffer): Promise<void> {
  mkdirSync(dirname(entryPath(root, key)), { recursive: true, mode: 0o700 });
  writeFileAtomic(entryPath(root, key), bytes, { mode: 0o600 });
}
