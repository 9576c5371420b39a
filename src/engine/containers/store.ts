// Finding containers: every state dir under <root>/containers, and what a user types (full ID, name, unique prefix).
import { readdirSync } from 'node:fs';
import { resolveRef } from '../../text/container-ref.js';
import { cell } from '../../text/sanitize.js';
import { isFullId, shortId } from '../../text/ids.js';
import { containersDir } from './paths.js';
import { readState, type ContainerState } from './state.js';

export function listContainerIds(root: string): string[] {
  try {
    return readdirSync(containersDir(root)).filter(isFullId);
  } catch {
    return [];
  }
}

/** Every container with a readable state.json (a dir being created or removed has none and is skipped). */
export function listContainers(root: string): ContainerState[] {
  return listContainerIds(root).flatMap((id) => {
    const s = readState(root, id);
    return s ? [s] : [];
  });
}

/** Full ID, then exact name, then unique ID prefix, as docker (text/container-ref.ts). */
export function resolveContainer(root: string, ref: string): ContainerState {
  // a full ID is looked up directly: the other states are read only when it is not one of ours
  const s = isFullId(ref) ? readState(root, ref) : null;
  if (s) return s;
  return resolveRef(listContainers(root), ref, (c) => `${shortId(c.id)} (${cell(c.name, 100)})`);
}
