// podman: cgroup libpod-<id>.scope, parent conmon (-c <id> -n <name>, exit command podman), names and images in
// /var/lib/containers/storage/overlay-containers/containers.json.
import { join } from 'node:path';
import { underRoot } from '../../host/paths.js';
import { readText } from '../../host/read.js';
import { memo, str } from '../metadata.js';
import type { Candidate, Claim, DiscoveryContext, RuntimeAdapter } from '../types.js';
import { conmonArgs } from './crio.js';

const CONTAINERS_JSON = '/var/lib/containers/storage/overlay-containers/containers.json';

interface PodmanEntry {
  name?: string;
  image?: string;
  created?: number | null;
}

function readContainersJson(ctx: DiscoveryContext): Map<string, PodmanEntry> {
  return memo(ctx, 'podman:containers.json', () => {
    const out = new Map<string, PodmanEntry>();
    const path = underRoot(ctx.paths, CONTAINERS_JSON);
    const text = readText(path);
    if (!text) return out;
    try {
      for (const e of JSON.parse(text) as Array<Record<string, unknown>>) {
        let meta: Record<string, unknown> = {};
        try {
          meta = JSON.parse(str(e.metadata) ?? '{}') as Record<string, unknown>;
        } catch {
          /* metadata is optional */
        }
        const names = Array.isArray(e.names) ? (e.names as unknown[]).filter((x): x is string => typeof x === 'string') : [];
        const created = str(e.created);
        out.set(String(e.id), { name: names[0] ?? str(meta.name), image: str(meta['image-name']) ?? str(e.image), created: created ? Date.parse(created) / 1000 : null });
      }
    } catch (err) {
      ctx.note(path, `unparsable JSON: ${(err as Error).message}`);
    }
    return out;
  });
}

export const podmanAdapter: RuntimeAdapter = {
  runtime: 'podman',
  claim(c: Candidate, ctx: DiscoveryContext): Claim | null {
    const conmon = conmonArgs(c);
    if (c.hint?.runtime !== 'podman' && !conmon?.podman) return null;
    const id = c.hint?.runtime === 'podman' ? c.hint.id : conmon?.id;
    if (!id) return null;
    const entry = readContainersJson(ctx).get(id);
    return {
      runtime: 'podman',
      id,
      name: entry?.name ?? conmon?.name ?? id.slice(0, 12),
      image: entry?.image ?? '',
      state: 'running',
      createdAt: entry?.created ?? null,
      parentIsShim: conmon !== undefined,
    };
  },
};
