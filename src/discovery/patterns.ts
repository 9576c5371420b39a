// Container cgroup paths, as every runtime and cgroup driver writes them (v1 and v2 alike): each adapter declares
// its own (`cgroupNames`), tried in the adapters' order.
import { ADAPTERS } from './adapters/index.js';
import type { CgroupHint } from './types.js';

const RULES: Array<{ re: RegExp; runtime: CgroupHint['runtime'] }> = ADAPTERS.flatMap((a) =>
  (a.cgroupNames ?? []).map((re) => ({ re, runtime: a.runtime })),
);

/** The container a cgroup path belongs to, or undefined for host, pod-level and runtime-internal cgroups. */
export function matchContainerCgroup(path: string): CgroupHint | undefined {
  for (const r of RULES) {
    const m = r.re.exec(path);
    if (m) return { runtime: r.runtime, id: m[1] };
  }
  return undefined;
}
