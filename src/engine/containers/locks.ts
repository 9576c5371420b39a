// Concurrent tctop commands: one lock per container (lifecycle changes) and one for names (create/rm), both
// proper-lockfile directories under <root>/locks. A crashed holder's lock goes stale and is taken over.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { ConflictError } from '../../errors.js';
import { locksDir } from './paths.js';

async function withLock<T>(root: string, name: string, what: string, fn: () => Promise<T>): Promise<T> {
  const dir = locksDir(root);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(join(dir, name), {
      realpath: false,
      stale: 10_000,
      retries: { retries: 300, factor: 1.2, minTimeout: 5, maxTimeout: 100 },
      onCompromised: () => {}, // a lock lost to staleness: the holder finishes; nothing to recover here
    });
  } catch (err) {
    throw new ConflictError(`${what} is locked by another tctop process (${(err as Error).message})`);
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}

/** Serialises name allocation and container creation/removal, so two creates never take the same name. */
export function withNamesLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  return withLock(root, 'names', 'the container name registry', fn);
}

/** Serialises lifecycle changes (start, stop, rm, state writes) of one container. */
export function withContainerLock<T>(root: string, id: string, fn: () => Promise<T>): Promise<T> {
  return withLock(root, id, `container ${id.slice(0, 12)}`, fn);
}
