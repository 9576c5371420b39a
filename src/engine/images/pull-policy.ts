// When run, create and build fetch an image from its registry: docker's --pull policies. `missing` (docker's default):
// only when the store lacks it; `always`: every time, the registry's current one; `never`: the store's or an error.
// TCTOP_PULL_POLICY sets the default, as podman's containers.conf `pull_policy` does: `never` keeps a host (or a test
// run) from reaching any registry it was not told to use.
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';

export type PullPolicy = 'missing' | 'always' | 'never';

const POLICIES: readonly PullPolicy[] = ['missing', 'always', 'never'];

export function parsePullPolicy(value: string, what = '--pull'): PullPolicy {
  if ((POLICIES as readonly string[]).includes(value)) return value as PullPolicy;
  throw new UsageError(`invalid ${what} "${cell(value, 60)}": expected missing, always or never`);
}

/** The policy when no flag names one: TCTOP_PULL_POLICY, else docker's `missing`. */
export function defaultPullPolicy(env: NodeJS.ProcessEnv = process.env): PullPolicy {
  const value = env.TCTOP_PULL_POLICY;
  return value === undefined || value === '' ? 'missing' : parsePullPolicy(value, 'TCTOP_PULL_POLICY');
}
