// FROM <image>: the base image from the store. The one place a build learns of an image it lacks.
import { readFileSync } from 'node:fs';
import { NotFoundError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { parseImageConfig, type ImageConfig } from '../images/image-config.js';
import { resolveImageId } from '../images/resolve.js';
import { configPath } from '../images/store-paths.js';

export interface BaseImage {
  id: string;
  config: ImageConfig;
  bytes: Buffer;
}

export async function resolveBaseImage(root: string, ref: string): Promise<BaseImage> {
  let hex: string;
  try {
    hex = resolveImageId(root, ref).hex;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    throw new NotFoundError(`image ${cell(ref, 200)} not found (tctop pull ${cell(ref, 200)} first)`);
  }
  const bytes = readFileSync(configPath(root, hex));
  return { id: `sha256:${hex}`, config: parseImageConfig(bytes, `image ${cell(ref, 100)}`), bytes };
}
