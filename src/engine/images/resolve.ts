// Image references -> store entries: name[:tag] first (as docker), then full or short image IDs.
import { existsSync } from 'node:fs';
import { AmbiguousError, NotFoundError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { listConfigIds, readConfig, runtimeConfigOf, type RuntimeConfig } from './image-config.js';
import { hasLayerSync } from './layer-store.js';
import { normalizeReference } from './reference.js';
import { readRepositories, type Repositories } from './repositories.js';
import { configPath, layerRootDir } from './store-paths.js';

export interface ResolvedImage {
  /** sha256:<config-hex> */
  id: string;
  /** Every name:tag pointing at the image. */
  refs: string[];
  config: RuntimeConfig;
  /** Absolute paths of each layer's root/ dir, lowest first (overlay lowerdir wants them reversed). */
  layerDirs: string[];
}

export interface ResolvedId {
  hex: string;
  /** The name:tag the reference matched, when it matched a name rather than an ID. */
  matchedRef?: string;
}

const HEX_PREFIX = /^(?:sha256:)?([0-9a-f]{1,64})$/;

export function refsOf(repos: Repositories, hex: string): string[] {
  return Object.keys(repos)
    .filter((ref) => repos[ref] === `sha256:${hex}`)
    .sort();
}

export function resolveImageId(root: string, ref: string, repos: Repositories = readRepositories(root)): ResolvedId {
  const input = ref.trim();
  if (!input) throw new UsageError('an image reference is required');
  const hex = HEX_PREFIX.exec(input)?.[1];
  if (hex?.length === 64) {
    if (existsSync(configPath(root, hex))) return { hex };
    throw new NotFoundError(`no such image: ${cell(input, 200)}`);
  }
  let parseError: unknown;
  if (!input.startsWith('sha256:')) {
    try {
      const normalized = normalizeReference(input);
      const id = repos[normalized];
      if (id) return { hex: id.slice(7), matchedRef: normalized };
    } catch (err) {
      parseError = err;
    }
  }
  if (hex) {
    const matches = listConfigIds(root).filter((id) => id.startsWith(hex));
    if (matches.length === 1) return { hex: matches[0] };
    if (matches.length > 1) {
      const list = matches.map((m) => [m.slice(0, 12), ...refsOf(repos, m)].join(' ')).join(', ');
      throw new AmbiguousError(`image ID prefix "${input}" matches ${matches.length} images: ${list}`);
    }
  }
  if (parseError) throw parseError;
  throw new NotFoundError(`no such image: ${cell(input, 200)}`);
}

/** The contract with the container engine: what to stack and how to run it. */
export function resolveImage(root: string, ref: string): ResolvedImage {
  const repos = readRepositories(root);
  const { hex } = resolveImageId(root, ref, repos);
  const config = readConfig(root, hex);
  const layerDirs = config.rootfs.diff_ids.map((diffId) => {
    const layerHex = diffId.slice('sha256:'.length);
    if (!hasLayerSync(root, layerHex))
      throw new NotFoundError(`image sha256:${hex.slice(0, 12)} is incomplete: layer ${diffId} is missing from the store`);
    return layerRootDir(root, layerHex);
  });
  return { id: `sha256:${hex}`, refs: refsOf(repos, hex), config: runtimeConfigOf(config), layerDirs };
}
