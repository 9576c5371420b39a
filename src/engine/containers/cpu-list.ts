// cpuset lists ("0-3,6"): parsed to check a --cpuset-cpus value against the CPUs the parent cgroup may use.
import { UsageError } from '../../errors.js';

/** Parses a kernel cpu list; throws UsageError naming the value when it is malformed. */
export function parseCpuList(list: string, what = 'cpu list'): Set<number> {
  const out = new Set<number>();
  const text = list.trim();
  if (text === '') return out;
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new UsageError(`invalid ${what} ${JSON.stringify(list)}: expected a list like 0-2,4`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to - from > 8192) throw new UsageError(`invalid ${what} ${JSON.stringify(list)}: bad range ${part}`);
    for (let cpu = from; cpu <= to; cpu++) out.add(cpu);
  }
  return out;
}

/** Throws UsageError unless every CPU in `wanted` is in `allowed` (both kernel cpu lists). */
export function checkCpusetWithin(wanted: string, allowed: string): void {
  const want = parseCpuList(wanted, '--cpuset-cpus value');
  if (want.size === 0) throw new UsageError(`invalid --cpuset-cpus value ${JSON.stringify(wanted)}: empty`);
  const have = parseCpuList(allowed);
  const outside = [...want].filter((c) => !have.has(c));
  if (outside.length > 0)
    throw new UsageError(`--cpuset-cpus ${wanted}: CPU ${outside.join(',')} not available (allowed: ${allowed.trim()})`);
}
