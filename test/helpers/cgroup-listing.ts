// A cgroup hierarchy's directories listed as native/pidns/pidns.c --every lists them, made here with node:fs: what
// the helper's listing is checked against, and what the discovery tests hand containerCgroupsListed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every directory under `dir`, `depth` levels deep, as "/a/b" relative to it, each parent before its children. */
export function directoriesUnder(dir: string, depth: number, rel = ''): string[] {
  if (depth === 0) return [];
  return readdirSync(join(dir, rel), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => [`${rel}/${e.name}`, ...directoriesUnder(dir, depth - 1, `${rel}/${e.name}`)]);
}
