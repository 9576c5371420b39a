// podman: cgroup libpod-<id>.scope, parent conmon (-c <id> -n <name>, exit command podman), names and images in
// <storage>/overlay-containers/containers.json (/var/lib/containers/storage, or the user's own when rootless).
import { underRoot } from '../../host/paths.js';
import { memo, str } from '../metadata.js';
import { FULL_ID_HEX, shortId } from '../../text/ids.js';
import { defineAdapter, type Candidate, type Claim, type DiscoveryContext } from '../types.js';
import { conmonLogSource } from './log-sources.js';
import { conmonArgs } from './shared.js';
import { containersStorageLayers } from './containers-storage-layers.js';

const CONTAINERS_JSON = '/var/lib/containers/storage/overlay-containers/containers.json';

interface PodmanEntry {
  name?: string;
  image?: string;
  created?: number | null;
}

/**
 * The containers.json of the storage a container lives in: conmon's -b names its userdata dir,
 * <storage>/overlay-containers/<id>/userdata, which for rootless podman is under the user's home.
 */
function containersJsonFor(bundle: string | undefined): string {
  const at = bundle?.indexOf('/overlay-containers/') ?? -1;
  return bundle && at > 0 ? `${bundle.slice(0, at)}/overlay-containers/containers.json` : CONTAINERS_JSON;
}

function readContainersJson(ctx: DiscoveryContext, file: string): Map<string, PodmanEntry> {
  return memo(ctx, `podman:${file}`, () => {
    const out = new Map<string, PodmanEntry>();
    const path = underRoot(ctx.paths, file);
    const text = ctx.reader.stateText(path);
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
        out.set(String(e.id), {
          name: names[0] ?? str(meta.name),
          image: str(meta['image-name']) ?? str(e.image),
          created: created ? Date.parse(created) / 1000 : null,
        });
      }
    } catch (err) {
      ctx.note(path, `unparsable JSON: ${(err as Error).message}`);
    }
    return out;
  });
}

export const podmanAdapter = defineAdapter({
  runtime: 'podman',
  logSource: (c) => conmonLogSource(c, 'podman'),
  imageLayers: containersStorageLayers,
  cgroupNames: [new RegExp(`/libpod-(${FULL_ID_HEX})(?:\\.scope)?$`)],
  actionHint: (a, c) => `podman ${a === 'remove' ? 'rm' : a} ${c.name || shortId(c.id)}`,
  claim(c: Candidate, ctx: DiscoveryContext): Claim | null {
    const conmon = conmonArgs(c);
    // the cgroup is the stronger evidence: a crio-<id>.scope is CRI-O's whatever its conmon says
    if (c.hint ? c.hint.runtime !== 'podman' : !conmon?.podman) return null;
    const id = c.hint?.runtime === 'podman' ? c.hint.id : conmon?.id;
    if (!id) return null;
    const entry = readContainersJson(ctx, containersJsonFor(conmon?.bundle)).get(id) ?? readContainersJson(ctx, CONTAINERS_JSON).get(id);
    return {
      runtime: 'podman',
      id,
      name: entry?.name ?? conmon?.name ?? shortId(id),
      image: entry?.image ?? '',
      state: 'running',
      createdAt: entry?.created ?? null,
      parentIsShim: conmon !== undefined,
    };
  },
});
