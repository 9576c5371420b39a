// The on-disk layout of the image store, a contract with the container engine:
//   <root>/images/layers/sha256/<diffid-hex>/{root/,meta.json}
//   <root>/images/configs/sha256/<config-hex>.json
//   <root>/images/repositories.json   { "name:tag": "sha256:<config-hex>" }
import { join } from 'node:path';

// the engine root and the containers' place in it belong to the contract with discovery
export { containersDir, DEFAULT_ROOT, tctopRoot } from '../../engine-contract/state-dir.js';

export function imagesDir(root: string): string {
  return join(root, 'images');
}

export function layersDir(root: string): string {
  return join(root, 'images', 'layers', 'sha256');
}

export function layerDir(root: string, diffHex: string): string {
  return join(layersDir(root), diffHex);
}

export function layerRootDir(root: string, diffHex: string): string {
  return join(layerDir(root, diffHex), 'root');
}

export function layerMetaPath(root: string, diffHex: string): string {
  return join(layerDir(root, diffHex), 'meta.json');
}

export function configsDir(root: string): string {
  return join(root, 'images', 'configs', 'sha256');
}

export function configPath(root: string, configHex: string): string {
  return join(configsDir(root), `${configHex}.json`);
}

/** Which registry repositories hold the config blob (push's cross-repository mounts), beside the config. */
export function configSourcesPath(root: string, configHex: string): string {
  return join(configsDir(root), `${configHex}.sources.json`);
}

export function repositoriesPath(root: string): string {
  return join(root, 'images', 'repositories.json');
}

/** Staging area on the same filesystem as the store, so finished layers are renamed into place. */
export function stagingDir(root: string): string {
  return join(root, 'images', 'tmp');
}
