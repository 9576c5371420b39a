// One lock for every change to the store's registry (layers renamed in, configs, repositories.json, removals), so
// concurrent imports, loads and rmi see each other's work whole. Extraction happens outside the lock.
import { mkdirSync } from 'node:fs';
import { withFileLock } from '../lock.js';
import { imagesDir } from './store-paths.js';

/** The lock is `<root>/images.lock` (proper-lockfile's name for a lock on <root>/images, as before). */
export function withStoreLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const dir = imagesDir(root);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return withFileLock(dir, `the image store ${dir}`, fn);
}
