// The image config (OCI / docker config JSON): what the engine needs from it, and its validation on load.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { NotFoundError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../atomic-write.js';
import { digestHex } from './digest.js';
import { configPath, configsDir } from './store-paths.js';

/** The runtime part of an image config, as the engine consumes it. */
export interface RuntimeConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  /** "80/tcp": {} entries, published by -P. */
  ExposedPorts?: Record<string, unknown>;
}

export interface ImageConfig {
  created?: string;
  architecture?: string;
  os?: string;
  config?: RuntimeConfig & Record<string, unknown>;
  rootfs: { type: string; diff_ids: string[] };
  history?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/** Parses config bytes from an archive; refuses anything without a usable rootfs.diff_ids. */
export function parseImageConfig(bytes: Buffer | string, what: string): ImageConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString());
  } catch {
    throw new UsageError(`refusing archive: ${what} is not valid JSON`);
  }
  const config = parsed as ImageConfig;
  if (!config || typeof config !== 'object' || !config.rootfs || !Array.isArray(config.rootfs.diff_ids)) {
    throw new UsageError(`refusing archive: ${what} has no rootfs.diff_ids`);
  }
  config.rootfs.diff_ids.forEach((d, i) => digestHex(d, `${what} layer ${i + 1}`));
  if (config.os && config.os !== 'linux') throw new UsageError(`refusing archive: ${what} is for ${config.os}, not linux`);
  return config;
}

/** Only the fields the engine uses, each with the type it expects. */
export function runtimeConfigOf(config: ImageConfig): RuntimeConfig {
  const c = config.config ?? {};
  const strings = (v: unknown) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined);
  const out: RuntimeConfig = {};
  if (strings(c.Env)) out.Env = strings(c.Env);
  if (strings(c.Cmd)) out.Cmd = strings(c.Cmd);
  if (strings(c.Entrypoint)) out.Entrypoint = strings(c.Entrypoint);
  if (typeof c.WorkingDir === 'string' && c.WorkingDir) out.WorkingDir = c.WorkingDir;
  if (typeof c.User === 'string' && c.User) out.User = c.User;
  if (c.ExposedPorts && typeof c.ExposedPorts === 'object' && !Array.isArray(c.ExposedPorts))
    out.ExposedPorts = c.ExposedPorts as Record<string, unknown>;
  return out;
}

export async function writeConfig(root: string, hex: string, bytes: Buffer): Promise<void> {
  mkdirSync(configsDir(root), { recursive: true, mode: 0o700 });
  writeFileAtomic(configPath(root, hex), bytes, { mode: 0o644 });
}

export function readConfig(root: string, hex: string): ImageConfig {
  let text: string;
  try {
    text = readFileSync(configPath(root, hex), 'utf8');
  } catch {
    throw new NotFoundError(`image sha256:${hex} has no config in the store`);
  }
  return parseImageConfig(text, `config sha256:${hex.slice(0, 12)}`);
}

/** Hex IDs of every image in the store. */
export function listConfigIds(root: string): string[] {
  try {
    return readdirSync(configsDir(root))
      .filter((n) => /^[0-9a-f]{64}\.json$/.test(n))
      .map((n) => n.slice(0, 64));
  } catch {
    return [];
  }
}
