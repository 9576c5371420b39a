// A container cgroup's name before any of its processes is read: from the runtime its cgroup name points to, when
// that runtime's state says it alone (RuntimeAdapter.nameOf).
import { ADAPTERS } from './adapters/index.js';
import type { CgroupHint, DiscoveryContext } from './types.js';

export function nameByHint(hint: CgroupHint, ctx: DiscoveryContext): string | undefined {
  return ADAPTERS.find((a) => a.runtime === hint.runtime)?.nameOf?.(hint.id, ctx);
}
