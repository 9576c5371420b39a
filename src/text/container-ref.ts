// What a user types to name a container, resolved as docker does: a full ID, then an exact name (a leading '/'
// dropped, as docker accepts it), then a unique ID prefix. One rule for the engine's own containers and for the
// observer's view of every runtime's.
import { AmbiguousError, NotFoundError, UsageError } from '../errors.js';
import { cell } from './sanitize.js';

/**
 * The one container `ref` names among `containers`; `describe` shows a candidate when the reference is ambiguous
 * (it must make the container's own strings safe to print).
 */
/** Whether `ref` could name `c` by that rule: its full ID, its exact name, or a prefix of its ID. */
export function mayName(c: { id: string; name: string }, ref: string): boolean {
  return c.id.startsWith(ref) || c.name === ref || (ref.startsWith('/') && c.name === ref.slice(1));
}

export function resolveRef<C extends { id: string; name: string }>(containers: readonly C[], ref: string, describe: (c: C) => string): C {
  if (ref === '') throw new UsageError('empty container reference');
  const bare = ref.startsWith('/') ? ref.slice(1) : ref;
  const byId = containers.filter((c) => c.id === ref);
  const byName = byId.length ? [] : containers.filter((c) => c.name === ref || c.name === bare);
  const matches = byId.length ? byId : byName.length ? byName : containers.filter((c) => c.id.startsWith(ref));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new NotFoundError(`no such container: ${cell(ref, 200)}`);
  throw new AmbiguousError(`"${cell(ref, 100)}" matches ${matches.length} containers: ${matches.map(describe).join(', ')}`);
}
