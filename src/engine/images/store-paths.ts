// The on-disk layout of the image store, a contract with the container engine:
//   <root>/images/layers/sha256/<diffid-hex>/{root/,meta.json}
//   <root>/images/configs/sha256/<config-hex>.json
//   <root>/images/repositories.json   { "name:tag": "sha256:<config-hex>" }
import { join } from 'node:path';

export const DEFAULT_ROOT = '/var/lib/tctop';

/** $TCTOP_ROOT, or /var/lib/tctop. */
export function tctopRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.TCTOP_ROOT || DEFAULT_ROOT;
}

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

export function repositoriesPath(root: string): string {
  return join(root, 'images', 'repositories.json');
}

/** Staging area on the same filesystem as the store, so finished layers are renamed into place. */
export function stagingDir(root: string): string {
  return join(root, 'images', 'tmp');
}

export function containersDir(root: string): string {
  return join(root, 'containers');
}
