// Concurrent tctop commands: one lock per container (lifecycle changes) and one for names (create/rm), under
// <root>/locks (outside the state dirs, so removing a container never pulls the floor from under its lock). The
// locking itself is the engine's one lock helper (../lock.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { withFileLock } from '../lock.js';
import { locksDir } from './paths.js';

function withLock<T>(root: string, name: string, what: string, fn: () => Promise<T>): Promise<T> {
  const dir = locksDir(root);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return withFileLock(join(dir, name), what, fn);
}

/** Serialises name allocation and container creation/removal, so two creates never take the same name. */
export function withNamesLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  return withLock(root, 'names', 'the container name registry', fn);
}

/** Serialises lifecycle changes (start, stop, rm, state writes) of one container. */
export function withContainerLock<T>(root: string, id: string, fn: () => Promise<T>): Promise<T> {
  return withLock(root, id, `container ${id.slice(0, 12)}`, fn);
}
