// Finding containers: every state dir under <root>/containers, and what a user types (full ID, name, unique prefix).
import { readdirSync } from 'node:fs';
import { AmbiguousError, NotFoundError, UsageError } from '../../errors.js';
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

/** Full ID, then exact name, then unique ID prefix, as docker. */
export function resolveContainer(root: string, ref: string): ContainerState {
  if (!ref) throw new UsageError('a container reference is required');
  const ids = listContainerIds(root);
  if (isFullId(ref) && ids.includes(ref)) {
    const s = readState(root, ref);
    if (s) return s;
  }
  const all = listContainers(root);
  const byName = all.find((c) => c.name === ref || c.name === ref.replace(/^\//, ''));
  if (byName) return byName;
  const matches = /^[0-9a-f]+$/.test(ref) ? all.filter((c) => c.id.startsWith(ref)) : [];
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    const list = matches.map((c) => `${shortId(c.id)} (${cell(c.name, 100)})`).join(', ');
    throw new AmbiguousError(`"${cell(ref, 100)}" matches ${matches.length} containers: ${list}`);
  }
  throw new NotFoundError(`no such container: ${cell(ref, 200)}`);
}
