// FROM <image>: the base image from the store, pulled from its registry when the store lacks it (as docker's
// builder does). The one place a build learns of an image it lacks.
import { readFileSync } from 'node:fs';
import { tookSlowPath } from '../../code-cache-hint.js';
import { NotFoundError, TctopError } from '../../errors.js';
import type { ProgressOutput } from '../registry/progress.js';
import { cell } from '../../text/sanitize.js';
import { parseImageConfig, type ImageConfig } from '../images/image-config.js';
import { resolveImageId } from '../images/resolve.js';
import { configPath } from '../images/store-paths.js';

export interface BaseImage {
  id: string;
  config: ImageConfig;
  bytes: Buffer;
}

/** `progress`: where the pull of a missing image reports (the build's own output). */
export async function resolveBaseImage(root: string, ref: string, progress?: ProgressOutput): Promise<BaseImage> {
  let hex: string;
  try {
    hex = resolveImageId(root, ref).hex;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    tookSlowPath(); // the registry client's code is no model for the next builds' code cache
    const { pullImage } = await import('../registry/pull.js');
    try {
      hex = (await pullImage(ref, { root, progress })).id.replace(/^sha256:/, '');
    } catch (pullErr) {
      if (!(pullErr instanceof TctopError)) throw pullErr;
      throw new NotFoundError(`image ${cell(ref, 200)} not found and not pulled: ${pullErr.message}`);
    }
  }
  const bytes = readFileSync(configPath(root, hex));
  return { id: `sha256:${hex}`, config: parseImageConfig(bytes, `image ${cell(ref, 100)}`), bytes };
}
