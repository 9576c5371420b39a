// The layout docker's overlay2 driver and containers/storage's overlay driver share: each layer is <store>/<id>/diff,
// and the mount names <store>/l/<short>, a link to ../<id>/diff that keeps the options under a page (relative
// `l/<short>` when the mounter chdir'd into the store first). Two adapters read it; the layer index is their own.
import { posix } from 'node:path';
import { underRoot } from '../../host/paths.js';
import { readLink } from '../../host/read.js';
import { memo } from '../metadata.js';
import type { DiscoveryContext } from '../types.js';

export interface StoreLayerDir {
  /** The store directory (…/overlay2, …/overlay). */
  store: string;
  /** The layer's directory name in it (docker's cache-id, containers/storage's layer ID). */
  id: string;
  /** <store>/<id>/diff. */
  path: string;
}

/** Which layer of a store a lower dir is; a relative one is taken to be in `defaultStore`. A link that points
 * anywhere but to a layer's diff dir in the same store names nothing. */
export function storeLayerDir(ctx: DiscoveryContext, lower: string, defaultStore: string): StoreLayerDir | undefined {
  const abs = lower.startsWith('/') ? lower : posix.join(defaultStore, lower);
  const parent = posix.dirname(abs);
  if (posix.basename(parent) === 'l') {
    const store = posix.dirname(parent);
    // once a memo: the containers of one image share its layers' links (30 containers of one image: 30 readlinks a layer)
    const link = memo(ctx, `overlay-link:${abs}`, () => readLink(underRoot(ctx.paths, abs)));
    const target = link ? posix.resolve(parent, link) : undefined;
    if (!target || posix.basename(target) !== 'diff' || posix.dirname(posix.dirname(target)) !== store) return undefined;
    return { store, id: posix.basename(posix.dirname(target)), path: target };
  }
  if (posix.basename(abs) !== 'diff') return undefined;
  return { store: posix.dirname(parent), id: posix.basename(parent), path: abs };
}
