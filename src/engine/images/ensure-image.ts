// The image a container or a build stage starts from, by pull policy (pull-policy.ts): the store's, or pulled from
// its registry first. A pull is the registry client's, all-or-nothing: a failed one registers nothing.
import { tookSlowPath } from '../../code-cache-hint.js';
import { NotFoundError } from '../../errors.js';
import type { ProgressOutput } from '../registry/progress.js';
import type { PullPolicy } from './pull-policy.js';
import { resolveImageId } from './resolve.js';

export interface EnsureOptions {
  /** Where a pull reports its progress (none: silent). */
  progress?: ProgressOutput;
  /** Called before a pull the store's lack of the image made (docker run's "Unable to find image ... locally"). */
  onMissing?: () => void;
  /** Runs the pull (a CLI removes its staging when interrupted). */
  pulling?: <T>(pull: () => Promise<T>) => Promise<T>;
  /** What a failed pull throws instead of its own error (the store's errors pass unchanged). */
  pullError?: (err: unknown) => unknown;
}

/** The image's ID (hex) in the store, after a pull when `policy` asks for one. */
export async function ensureImage(root: string, ref: string, policy: PullPolicy, options: EnsureOptions = {}): Promise<string> {
  if (policy !== 'always') {
    try {
      return resolveImageId(root, ref).hex;
    } catch (err) {
      if (!(err instanceof NotFoundError) || policy === 'never') throw err;
      options.onMissing?.();
    }
  }
  tookSlowPath(); // the registry client's code is no model for the next runs' code cache
  const { pullImage } = await import('../registry/pull.js');
  const pull = () => pullImage(ref, { root, progress: options.progress });
  try {
    const pulled = await (options.pulling ? options.pulling(pull) : pull());
    return pulled.id.replace(/^sha256:/, '');
  } catch (err) {
    throw options.pullError ? options.pullError(err) : err;
  }
}
