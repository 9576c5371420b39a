// One lock for every change to the store's registry (layers renamed in, configs, repositories.json, removals), so
// concurrent imports, loads and rmi see each other's work whole. Extraction happens outside the lock.
import { mkdir } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { ConflictError } from '../../errors.js';
import { imagesDir } from './store-paths.js';

export async function withStoreLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const dir = imagesDir(root);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      realpath: false,
      stale: 15_000,
      retries: { retries: 200, factor: 1.2, minTimeout: 10, maxTimeout: 200 },
    });
  } catch (err) {
    throw new ConflictError(`the image store ${dir} is locked by another tctop process (${(err as Error).message})`);
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => {}); // a compromised lock was already reported by proper-lockfile
  }
}
