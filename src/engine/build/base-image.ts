// FROM <image> (and COPY --from=<image>): the base image from the store, pulled from its registry when the store
// lacks it, as docker's builder does, or by the build's pull policy (--pull: always; TCTOP_PULL_POLICY=never: the
// store's alone). The one place a build learns of an image it lacks.
import { readFileSync } from 'node:fs';
import { NotFoundError, TctopError } from '../../errors.js';
import type { ProgressOutput } from '../registry/progress.js';
import { cell } from '../../text/sanitize.js';
import { ensureImage } from '../images/ensure-image.js';
import { parseImageConfig, type ImageConfig } from '../images/image-config.js';
import type { PullPolicy } from '../images/pull-policy.js';
import { configPath } from '../images/store-paths.js';

export interface BaseImage {
  id: string;
  config: ImageConfig;
  bytes: Buffer;
}

/** `progress`: where a pull reports (the build's own output). */
export async function resolveBaseImage(root: string, ref: string, policy: PullPolicy, progress?: ProgressOutput): Promise<BaseImage> {
  const why = policy === 'always' ? 'not pulled' : 'not found and not pulled'; // --pull: the store may have it
  const pullError = (err: unknown) =>
    err instanceof TctopError ? new NotFoundError(`image ${cell(ref, 200)} ${why}: ${err.message}`) : err;
  let hex: string;
  try {
    hex = await ensureImage(root, ref, policy, { progress, pullError });
  } catch (err) {
    if (policy === 'never' && err instanceof NotFoundError)
      throw new NotFoundError(`image ${cell(ref, 200)} not found, and the pull policy is never`);
    throw err; // the store's own errors (an ambiguous ID prefix) as they are
  }
  const bytes = readFileSync(configPath(root, hex));
  return { id: `sha256:${hex}`, config: parseImageConfig(bytes, `image ${cell(ref, 100)}`), bytes };
}
